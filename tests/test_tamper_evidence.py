"""Issue 16: tamper evidence that an insider cannot rewrite. Each anchor in turn names the
insider's re-chained history: the guards verify checks in the file, the paper anchor on every
printed report and the stored Z's, and the counter's signature on every event."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from returns_desk.domain.auth import Actor
from returns_desk.domain.returns import ReturnDraft
from returns_desk.services.people_service import PeopleService
from returns_desk.services.returns_service import ReturnsService
from returns_desk.services.verify_service import verify
from returns_desk.storage import repository as repo
from tests.tamper_support import rewrite_return

EXE = Path(sys.executable).with_name("returns-desk")
PIN = "482913"
CLERK = Actor("Li Na", "clerk")
MANAGER = Actor("Chen Jing", "manager")


def run(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), *args, "--db", str(db)], capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.fixture
def three_refunds(desk) -> list[str]:
    people = PeopleService(desk)
    people.setup(store="王府井店", counter="C2", market="CN", manager="Chen Jing", pin=PIN)
    people.add_clerk(MANAGER, "Li Na", "clerk", "1357")
    svc = ReturnsService(desk)
    return [
        svc.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="x", amount="99.00", serial=f"AKFF1Y0E4830{i:04d}"), actor=CLERK)["ticket"]
        for i in range(3)
    ]


def test_the_insider_rewrite_is_named_by_verify(three_refunds, desk, db_path):
    desk.close()
    assert run("verify", db=db_path).returncode == 0
    rewrite_return(db_path, three_refunds[1], amount_minor=999900)
    assert sqlite3.connect(db_path).execute("SELECT amount_minor FROM returns WHERE ticket = ?", (three_refunds[1],)).fetchone() == (999900,)
    r = run("verify", db=db_path)
    assert r.returncode == 1, r.stdout
    assert "returns_change_only_by_void_or_confirmation" in r.stderr and "Traceback" not in r.stderr


def _exec(db_path: Path, *sql: str) -> None:
    con = sqlite3.connect(db_path)
    for s in sql:
        con.execute(s)
    con.commit()
    con.close()


def _triggers(db_path: Path) -> dict[str, str]:
    return dict(sqlite3.connect(db_path).execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())


def test_the_insider_rewrite_is_named_by_the_dropped_guards_and_by_the_signatures(three_refunds, desk, db_path):
    desk.close()
    event = rewrite_return(db_path, three_refunds[1], amount_minor=999900)
    r = run("verify", db=db_path)
    lines = r.stderr.strip().splitlines()
    dropped = ("audit_append_only_update", "audit_append_only_delete", "returns_never_deleted", "returns_change_only_by_void_or_confirmation")
    for name in dropped:
        assert any(name in line and "missing" in line for line in lines), r.stderr
    # the recomputed hashes are not signed by the counter's key, from the edited event on
    assert any(f"Event {event} (return_recorded" in line and "does not match its signature" in line for line in lines), r.stderr
    assert any("more events fail the same signature check" in line for line in lines)
    assert len(lines) == len(dropped) + 2, r.stderr


def test_with_the_guards_put_back_and_no_paper_the_signatures_alone_name_it(three_refunds, desk, db_path):
    desk.close()
    event = rewrite_return(db_path, three_refunds[1], amount_minor=999900, put_guards_back=True)
    r = run("verify", db=db_path)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith(f"returns-desk: Event {event} (return_recorded") and "does not match its signature" in lines[0], r.stderr
    assert len(lines) == 2 and "more events fail the same signature check" in lines[1]


def test_every_trigger_this_version_installs_is_checked(three_refunds, desk, db_path):
    from returns_desk.storage.guards import expected_schema

    desk.close()
    names = sorted(n for (kind, n) in expected_schema() if kind == "trigger")
    assert set(names) == set(_triggers(db_path))
    assert {"audit_append_only_update", "audit_append_only_delete", "closures_never_updated", "closures_never_deleted"} <= set(names)
    _exec(db_path, *(f"DROP TRIGGER {n}" for n in names))
    r = run("verify", db=db_path)
    assert r.returncode == 1
    for n in names:
        assert f"trigger {n}" in r.stderr, n


def test_an_altered_or_added_trigger_is_named(three_refunds, desk, db_path):
    desk.close()
    # same name, a guard that never fires: the text differs from what this version installs
    _exec(db_path, "DROP TRIGGER audit_append_only_update",
          "CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit WHEN 0 BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
          "CREATE TRIGGER keep_amounts AFTER INSERT ON returns BEGIN SELECT 1; END")
    r = run("verify", db=db_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "audit_append_only_update" in r.stderr and "not the one this version installs" in r.stderr
    assert "keep_amounts was added outside" in r.stderr
    zh = run("verify", "--lang", "zh_CN", db=db_path)
    assert zh.returncode == 1 and "与本版本安装的不同" in zh.stderr


def test_a_weakened_table_is_named(three_refunds, desk, db_path):
    """A CHECK constraint removed by rewriting the table's SQL (writable_schema) is named."""
    desk.close()
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_master SET sql = replace(sql, 'CHECK (amount_minor >= 0)', '') WHERE name = 'returns'")
    con.commit()
    con.close()
    r = run("verify", db=db_path)
    assert r.returncode == 1 and "table returns" in r.stderr, r.stderr


def test_a_gap_in_event_ids_is_named_even_when_re_chained(three_refunds, desk, db_path):
    from tests.tamper_support import rechain

    desk.close()
    con = sqlite3.connect(db_path)
    for t in ("audit_append_only_update", "audit_append_only_delete"):
        con.execute(f"DROP TRIGGER {t}")
    con.execute("DELETE FROM audit WHERE id IN (3, 4)")
    rechain(con, 5)
    con.commit()
    con.close()
    r = run("verify", db=db_path)
    assert r.returncode == 1 and "Audit events 3 to 4 are missing before event 5" in r.stderr, r.stderr


# --- the paper anchor ------------------------------------------------------------------------

ANCHOR_LINE = re.compile(r"audit: event ([\d,]+) · ([0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4})")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def printed_anchor(pdf: Path) -> str:
    """The anchor as a person reads it off the paper, typed back as EVENT:HASH."""
    found = ANCHOR_LINE.findall(pdf_text(pdf))
    assert len(found) == 1, pdf_text(pdf)[:2000]
    event, digest = found[0]
    return f"{event}:{digest}"


def test_every_printed_daily_report_carries_the_anchor_and_verify_checks_it(three_refunds, desk, db_path, tmp_path):
    from returns_desk.services.verify_service import audit_anchor

    head = audit_anchor(desk)
    desk.close()
    assert head is not None
    x = tmp_path / "x.pdf"
    assert run("report", "daily", "--pdf", str(x), db=db_path).returncode == 0
    typed = printed_anchor(x)
    assert typed.replace(",", "").replace(" ", "") == head.typed  # position and short hash, as in the file
    r = run("verify", "--anchor", typed.replace(" ", ""), db=db_path)
    assert r.returncode == 0 and "Matches the paper anchor" in r.stdout, r.stderr
    # a Z carries the chain as it stood when the day was closed, frozen with it
    z = tmp_path / "z.pdf"
    assert run("report", "daily", "--pdf", str(z), "--close", "--manager", "Chen Jing", "--pin", PIN, db=db_path).returncode == 0
    z_anchor = printed_anchor(z)
    assert z_anchor != typed  # the X print was audited in between
    reprint = tmp_path / "z-again.pdf"
    assert run("report", "daily", "--pdf", str(reprint), "--reprint", "1", db=db_path).returncode == 0
    assert printed_anchor(reprint) == z_anchor
    zh = tmp_path / "zh.pdf"
    assert run("report", "daily", "--pdf", str(zh), "--reprint", "1", "--lang", "zh_CN", db=db_path).returncode == 0
    assert "审计：事件" in pdf_text(zh)
    # the form printed, spaces and all, is accepted too
    r = run("verify", "--anchor", typed, "--anchor", f"event {z_anchor.replace(':', ' · ')}", db=db_path)
    assert r.returncode == 0 and r.stdout.count("Matches the paper anchor") == 2, r.stderr


def test_a_rewritten_history_is_named_by_the_printed_anchor_and_the_stored_z(three_refunds, desk, db_path, tmp_path):
    """The insider puts every guard back exactly as it was: the schema check sees nothing, the
    anchors on paper and in the stored Z do."""
    desk.close()
    x = tmp_path / "x.pdf"
    assert run("report", "daily", "--pdf", str(x), db=db_path).returncode == 0
    assert run("report", "daily", "--pdf", str(tmp_path / "z.pdf"), "--close", "--manager", "Chen Jing", "--pin", PIN, db=db_path).returncode == 0
    before = _triggers(db_path)
    rewrite_return(db_path, three_refunds[1], amount_minor=999900, put_guards_back=True)
    assert _triggers(db_path) == before
    r = run("verify", "--anchor", printed_anchor(x), db=db_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "does not match the anchor printed on paper" in r.stderr
    assert "The stored Z No. 1 of" in r.stderr and "the history before it was rewritten" in r.stderr
    assert "guards" not in r.stderr  # the guards are as installed: the anchors name it


def test_an_anchor_beyond_the_chain_is_named_and_a_bad_anchor_is_a_usage_error(three_refunds, desk, db_path):
    desk.close()
    r = run("verify", "--anchor", "999:7f3a91c20be455d1", db=db_path)
    assert r.returncode == 1 and "Event 999 of the anchor printed on paper" in r.stderr
    for bad in ("12", "12:xyz", "0:7f3a91c20be455d1", "12:7f3a91c2"):
        r = run("verify", "--anchor", bad, db=db_path)
        assert r.returncode == 2 and "Not an anchor as printed" in r.stderr and "Traceback" not in r.stderr, bad
    zh = run("verify", "--anchor", "12", "--lang", "zh_CN", db=db_path)
    assert zh.returncode == 2 and "审计锚点" in zh.stderr


def test_a_stored_z_changed_in_the_file_is_named(three_refunds, desk, db_path):
    import hashlib

    from returns_desk.reports.service import DailyReportService

    svc = DailyReportService(desk)
    svc.close_day(svc.today(), manager=MANAGER)
    desk.close()
    _exec(db_path, "DROP TRIGGER closures_never_updated",
          "UPDATE closures SET snapshot = replace(snapshot, '\"refunds\":3', '\"refunds\":2')")
    r = run("verify", db=db_path)
    assert "The stored Z No. 1 of" in r.stderr and "was changed outside" in r.stderr, r.stderr
    con = sqlite3.connect(db_path)
    text = con.execute("SELECT snapshot FROM closures").fetchone()[0]
    con.execute("UPDATE closures SET sha256 = ?", (hashlib.sha256(text.encode()).hexdigest(),))
    con.commit()
    con.close()
    r = run("verify", db=db_path)
    assert "has no matching audit event" in r.stderr, r.stderr


# --- signed events -----------------------------------------------------------------------------


def _home_of(tmp_path: Path, name: str) -> dict[str, str]:
    """The environment of another computer: its own user folders, so its own key store."""
    home = tmp_path / name
    home.mkdir()
    return {**os.environ, "RETURNS_DESK_HOME": str(home)}


def run_as(env: dict[str, str], *args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), *args, "--db", str(db)], capture_output=True, text=True, encoding="utf-8", timeout=120, env=env)


def test_every_event_is_signed_with_a_key_kept_outside_the_database(three_refunds, desk, db_path, _isolated_home):
    from returns_desk.domain.integrity import signature_ok

    rows = desk.conn.read("SELECT id, action, hash, key_id, signature FROM audit ORDER BY id")
    keys = desk.conn.read("SELECT * FROM signing_keys")
    assert rows[0]["action"] == "signing_key_created" and len(keys) == 1 and keys[0]["event_id"] == 1
    assert all(r["key_id"] == keys[0]["key_id"] and signature_ok(keys[0]["public_key"], r["hash"], r["signature"]) for r in rows)
    key_file = _isolated_home / "keys" / f"{keys[0]['key_id']}.key"
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600
    assert (key_file.parent.stat().st_mode & 0o077) == 0  # the folder too: its owner only
    assert key_file.parent != db_path.parent and key_file.parent != db_path.parent / "backups"
    key_file.chmod(0o644)  # copied in carelessly: the next load makes it its owner's alone again
    from returns_desk.services.keystore import KeyStore

    assert KeyStore().load(keys[0]["key_id"]) and (key_file.stat().st_mode & 0o777) == 0o600
    report = verify(desk)
    assert report.ok and ("verify_signed", {"first": 1, "keys": " ".join(keys[0]["key_id"][i:i + 4] for i in range(0, 16, 4))}) in report.notes


def test_the_key_folder_is_the_users_configuration_not_the_data_folder(monkeypatch):
    """Outside the tests: beside the user's configuration, apart from the database's folder (so a
    copy of the data folder, or its backups, never carries the key)."""
    from returns_desk import paths

    import platformdirs

    monkeypatch.delenv("RETURNS_DESK_HOME")
    data, keys = paths.data_dir(), paths.keys_dir()
    assert keys.name == "keys" and data not in keys.parents and keys.parent != data
    # where the platform keeps configuration and data together (Windows, macOS): a sibling folder
    monkeypatch.setattr(platformdirs, "user_config_dir", platformdirs.user_data_dir)
    keys = paths.keys_dir()
    assert keys.name == "returns-desk-keys" and data not in keys.parents and keys != data


def _secret_forms(private_hex: str) -> list[bytes]:
    import base64

    raw = bytes.fromhex(private_hex)
    return [raw, private_hex.encode(), private_hex.upper().encode(), base64.b64encode(raw), base64.b64encode(raw).rstrip(b"="),
            base64.urlsafe_b64encode(raw).rstrip(b"="), private_hex.encode("utf-16-le"), raw[:16], private_hex[:32].encode()]


def test_the_private_key_is_nowhere_in_the_database_a_backup_the_log_or_an_export(three_refunds, desk, db_path, tmp_path, _isolated_home):
    import zipfile

    from returns_desk.export.service import export_tally
    from returns_desk.reports.service import DailyReportService
    from returns_desk.services import backup_service
    from returns_desk.services.log_service import LogService

    key_id = desk.conn.read("SELECT key_id FROM signing_keys")[0]["key_id"]
    private_hex = (_isolated_home / "keys" / f"{key_id}.key").read_text().strip()
    assert len(private_hex) == 64
    svc = ReturnsService(desk)
    svc.void(three_refunds[0], reason="keyed twice", by=MANAGER)
    backup = backup_service.backup(desk, tmp_path / "backup.db", actor="Chen Jing")
    auto = backup_service.backup(desk, actor="system")
    day = DailyReportService(desk).today()
    outputs = [export_tally(desk, day, day, fmt, tmp_path / f"tally.{fmt}", group_by=["model", "remedy"], by=MANAGER)[0] for fmt in ("csv", "xlsx", "pdf")]
    reports = DailyReportService(desk)
    outputs.append(reports.write_pdf(reports.close_day(day, manager=MANAGER), tmp_path / "z.pdf", lang="en", by="Chen Jing"))
    log = LogService(desk)
    history = json.dumps([log.history(r["uuid"]) for r in desk.conn.read("SELECT uuid FROM returns")], default=str, ensure_ascii=False)
    desk.conn.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    desk.close()
    cli = [run("verify", db=db_path), run("key", "show", db=db_path), run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "1",
                                                                          "--serial", "AKFF1Y0E48309999", "--clerk", "Li Na", "--json", db=db_path)]
    haystacks: dict[str, bytes] = {"log": history.encode(), "cli": "".join(r.stdout + r.stderr for r in cli).encode()}
    for path in [db_path, Path(f"{db_path}-wal"), backup, auto, *outputs]:
        if path.exists():
            haystacks[str(path)] = path.read_bytes()
    for out in outputs:
        if out.suffix == ".xlsx":
            with zipfile.ZipFile(out) as z:
                haystacks[f"{out} (unzipped)"] = b"".join(z.read(n) for n in z.namelist())
        if out.suffix == ".pdf":
            haystacks[f"{out} (text)"] = pdf_text(out).encode()
    for path in _isolated_home.rglob("*"):  # everything the program keeps in the user's folders, but the key itself
        if path.is_file() and path.parent.name != "keys":
            haystacks[str(path)] = path.read_bytes()
    assert len(haystacks) >= 10
    for name, data in haystacks.items():
        for form in _secret_forms(private_hex):
            assert form not in data, (name, form[:8])
    assert key_id.encode() in haystacks[str(db_path)]  # the search does find what is there: the public key's name


def test_a_copy_on_another_computer_can_be_verified_but_not_extended(three_refunds, desk, db_path, tmp_path):
    desk.close()
    copy = tmp_path / "copy.db"
    copy.write_bytes(db_path.read_bytes())
    elsewhere = _home_of(tmp_path, "other-computer")
    r = run_as(elsewhere, "verify", db=copy)
    assert r.returncode == 0, r.stderr
    events = sqlite3.connect(copy).execute("SELECT count(*) FROM audit").fetchone()[0]
    r = run_as(elsewhere, "record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "99", "--serial", "AKFF1Y0E48309999",
               "--clerk", "Li Na", db=copy)
    assert r.returncode == 2 and "does not hold the signing key" in r.stderr and "returns-desk key new" in r.stderr, r.stderr
    zh = run_as(elsewhere, "record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "99", "--serial", "AKFF1Y0E48309999",
                "--clerk", "Li Na", "--lang", "zh_CN", db=copy)
    assert zh.returncode == 2 and "签名密钥" in zh.stderr
    con = sqlite3.connect(copy)
    assert con.execute("SELECT count(*) FROM audit").fetchone()[0] == events and con.execute("SELECT count(*) FROM returns").fetchone()[0] == 3
    assert run_as(elsewhere, "key", "show", db=copy).stdout.startswith("This computer holds none of this database's signing keys")
    # the original computer still writes
    assert run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "99", "--serial", "AKFF1Y0E48309999", "--clerk", "Li Na",
               db=db_path).returncode == 0


def test_writing_with_another_key_is_named_by_verify(three_refunds, desk, db_path, tmp_path, monkeypatch):
    """The insider on another computer signs with a key of their own, through the project's code
    but without a manager's approval: verify names the key as one no manager approved."""
    from returns_desk.domain.integrity import KEY_CREATED
    from returns_desk.services import signing
    from returns_desk.services.desk import Desk
    from returns_desk.services.keystore import KeyStore

    desk.close()
    monkeypatch.setenv("RETURNS_DESK_HOME", str(tmp_path / "insider"))
    (tmp_path / "insider").mkdir()
    other = Desk.open(db_path)
    signer = signing.attach(other.conn)
    with other.conn.write() as db:
        signer.announce(db, KEY_CREATED, actor="system")  # "the first key" a second time
    ReturnsService(other).record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="x", amount="99", serial="AKFF1Y0E48309998"), actor=CLERK)
    other.close()
    r = run("verify", db=db_path)
    assert r.returncode == 1 and "that no manager approved" in r.stderr, r.stderr
    # signing with a key that is never announced at all
    monkeypatch.setenv("RETURNS_DESK_HOME", str(tmp_path / "insider2"))
    (tmp_path / "insider2").mkdir()
    from returns_desk.domain.integrity import SigningKey

    key, private = SigningKey.generate()
    KeyStore().save(key.key_id, private)
    third = Desk.open(db_path)
    signing.attach(third.conn).key = key
    third.conn.db.signer.prepare = lambda db: None  # the insider's own signer: sign without announcing
    ReturnsService(third).record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="x", amount="99", serial="AKFF1Y0E48309997"), actor=CLERK)
    third.close()
    r = run("verify", db=db_path)
    assert "which this file never announced" in r.stderr, r.stderr


def test_a_lost_key_is_replaced_with_a_managers_approval_and_shown_as_a_key_change(three_refunds, desk, db_path, _isolated_home):
    import shutil

    old_key = desk.conn.read("SELECT key_id FROM signing_keys")[0]["key_id"]
    desk.close()
    shutil.rmtree(_isolated_home / "keys")  # the disk died; the database came back from elsewhere
    rec = ("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "99", "--serial", "AKFF1Y0E48309999", "--clerk", "Li Na")
    assert run(*rec, db=db_path).returncode == 2
    events = sqlite3.connect(db_path).execute("SELECT count(*) FROM audit").fetchone()[0]
    wrong = run("key", "new", "--manager", "Chen Jing", "--pin", "000000", "--reason", "disk died", db=db_path)
    assert wrong.returncode == 2 and "not recognised" in wrong.stderr
    clerk = run("key", "new", "--manager", "Li Na", "--pin", "1357", "--reason", "disk died", db=db_path)
    assert clerk.returncode == 2 and "not a manager" in clerk.stderr
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM audit").fetchone()[0] == events  # nothing written
    done = run("key", "new", "--manager", "Chen Jing", "--pin", PIN, "--reason", "disk died", db=db_path)
    assert done.returncode == 0 and "approved by Chen Jing" in done.stdout, done.stderr
    assert run(*rec, db=db_path).returncode == 0
    r = run("verify", db=db_path)
    assert r.returncode == 0, r.stderr
    assert "Key change at event" in r.stdout and "approved by Chen Jing (disk died)" in r.stdout
    keys = sqlite3.connect(db_path).execute("SELECT key_id FROM signing_keys ORDER BY event_id").fetchall()
    assert len(keys) == 2 and keys[0][0] == old_key
    shown = run("key", "show", db=db_path).stdout
    assert "This computer signs this database with key" in shown and shown.count("Key ") == 2


def test_the_os_keyring_holds_the_key_where_a_backend_exists(tmp_path, monkeypatch):
    """Through keyring's own backend interface (an in-memory backend: this machine has no desktop
    keyring): the private key goes to the keyring, only a marker without the secret to the folder."""
    import keyring
    from keyring.backend import KeyringBackend

    from returns_desk.services.desk import Desk

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.items: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.items.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.items[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            del self.items[(service, username)]

    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv("RETURNS_DESK_KEYSTORE", "keyring")
    try:
        db = tmp_path / "k.db"
        with Desk.open(db) as d:
            key_id = d.conn.read("SELECT key_id FROM signing_keys")[0]["key_id"]
        private = backend.items[("returns-desk", f"signing-key:{key_id}")]
        keys = Path(os.environ["RETURNS_DESK_HOME"]) / "keys"
        assert not (keys / f"{key_id}.key").exists() and (keys / f"{key_id}.in-keyring").exists()
        assert all(private.encode() not in p.read_bytes() for p in keys.iterdir())
        with Desk.open(db) as d:  # a new session finds its key in the keyring and goes on signing with it
            ReturnsService(d).record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="x", amount="99", serial="AKFF1Y0E48301745"))
            assert verify(d).ok
            assert {r["key_id"] for r in d.conn.read("SELECT key_id FROM audit")} == {key_id}
        assert private.encode() not in db.read_bytes()
    finally:
        keyring.set_keyring(before)


def test_a_file_from_before_signing_is_signed_from_its_next_write_on(db_path):
    """Events written before signing began (as an older Returns Desk wrote them: no signer) stay
    valid; the next write announces the key and signs from there; an unsigned event after that
    is named."""
    from returns_desk.services import signing
    from returns_desk.services.desk import Desk
    from returns_desk.storage.database import Connection

    conn = Connection(db_path)  # the storage layer alone: no signer
    with conn.write() as db:
        repo.audit(db, at="2025-06-30T01:00:00.000000Z", actor="Chen", action="settings_changed", entity="settings", details={"market": "CN"})
        repo.audit(db, at="2025-06-30T01:01:00.000000Z", actor="Chen", action="signed_in", entity="clerk", entity_id="Chen")
    conn.close()
    with Desk.open(db_path) as d:
        ReturnsService(d).record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="x", amount="99", serial="AKFF1Y0E48301745"))
        actions = [r["action"] for r in d.conn.read("SELECT action FROM audit ORDER BY id")]
        assert actions[:3] == ["settings_changed", "signed_in", "signing_key_created"]
        report = verify(d)
        assert report.ok, report.problems
        assert ("verify_unsigned_before", {"n": 2}) in report.notes
        # someone with the code but without the key: an event written with no signer
        signing.attach(d.conn)
        d.conn.db.signer = None
        ReturnsService(d).record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="x", amount="99", serial="AKFF1Y0E48301746"))
        report = verify(d)
        assert report.problem == "verify_event_unsigned", report.problems


def test_a_copy_elsewhere_with_a_newer_seed_still_opens_to_be_verified(three_refunds, desk, db_path, tmp_path):
    """The other computer ships a newer recall list: loading it would be a write in the counter's
    name, so the file opens with the list it holds; verify and key show work, writes are refused."""
    from tests.conftest import SEED

    desk.close()
    doc = json.loads(SEED.read_text(encoding="utf-8"))
    doc["version"] = "2099.01.01-1"
    newer = tmp_path / "newer-catalogue.json"
    newer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    elsewhere = {**_home_of(tmp_path, "other-computer"), "RETURNS_DESK_SEED": str(newer)}
    r = run_as(elsewhere, "verify", db=db_path)
    assert r.returncode == 0, r.stderr
    assert run_as(elsewhere, "lookup", "A1257", db=db_path).returncode == 0
    assert run_as(elsewhere, "recalls", "list", "--json", db=db_path).stdout.count('"version": "2099') == 0
    r = run_as(elsewhere, "record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "99", "--serial", "AKFF1Y0E48309999",
               "--clerk", "Li Na", db=db_path)
    assert r.returncode == 2 and "does not hold the signing key" in r.stderr
    # on its own computer the newer list loads as usual (signed)
    assert run_as({**os.environ, "RETURNS_DESK_SEED": str(newer)}, "recalls", "list", "--json", db=db_path).stdout.count('"version": "2099') == 1


def test_running_counts_changed_in_the_file_are_named(three_refunds, desk, db_path):
    """The recall progress of every report reads the trigger-kept counts: an edit there is named."""
    desk.close()
    _exec(db_path, "UPDATE return_counts SET n = n + 5")
    r = run("verify", db=db_path)
    assert r.returncode == 1 and "says 8, the returns themselves 3" in r.stderr, r.stderr
    _exec(db_path, "DELETE FROM return_counts")
    r = run("verify", db=db_path)
    assert r.returncode == 1 and "says 0, the returns themselves 3" in r.stderr, r.stderr


def test_a_backup_restored_on_a_new_computer_gets_a_key_approved_by_the_restore(three_refunds, desk, db_path, tmp_path):
    """The old computer died; its backup is restored on a new one. The restore (a manager's act)
    approves the new computer's key; verify shows the key change and every old signature holds."""
    from returns_desk.services import backup_service

    copy = backup_service.backup(desk, tmp_path / "from-the-old-computer.db", actor="Chen Jing")
    desk.close()
    new_computer = _home_of(tmp_path, "new-computer")
    fresh_db = tmp_path / "new.db"
    r = run_as(new_computer, "restore", str(copy), db=fresh_db)
    assert r.returncode == 0, r.stderr
    assert run_as(new_computer, "record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "99", "--serial", "AKFF1Y0E48309999",
                  "--clerk", "Li Na", db=fresh_db).returncode == 0
    r = run_as(new_computer, "verify", db=fresh_db)
    assert r.returncode == 0 and "Key change at event" in r.stdout and "restore of from-the-old-computer.db" in r.stdout, r.stdout + r.stderr
