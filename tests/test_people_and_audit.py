"""Clerks and PINs, roles enforced by the services, the audit hash chain and verify,
backup and restore."""

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from returns_desk.domain.auth import Actor, hash_pin, verify_pin
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.returns import ReturnDraft
from returns_desk.services import backup_service
from returns_desk.services.people_service import PeopleService
from returns_desk.services.returns_service import ReturnsService
from returns_desk.services.verify_service import verify
from returns_desk.storage import repository as repo

EXE = Path(sys.executable).with_name("returns-desk")
PIN = "482913"


def run(*args, db):
    return subprocess.run([str(EXE), *args, "--db", str(db)], capture_output=True, text=True, encoding="utf-8", timeout=120)


@pytest.fixture
def people(desk):
    p = PeopleService(desk)
    p.setup(store="王府井店", counter="C2", market="CN", manager="Chen Jing", pin=PIN)
    p.add_clerk(Actor("Chen Jing", "manager"), "Li Na", "clerk", "1357")
    return p


def draft(**kw):
    base = dict(model_input="A1257", remedy="refund", clerk="ignored", amount="149", serial="AKFF1Y0E48301745")
    base.update(kw)
    return ReturnDraft(isolation_confirmed=True, **base)


def test_pin_hash_round_trip_and_constant_time_compare():
    digest, salt, params = hash_pin("1234")
    assert verify_pin("1234", digest, salt, params) and verify_pin("１２３４", digest, salt, params)
    assert not verify_pin("1235", digest, salt, params)
    assert hash_pin("1234")[0] != digest  # a fresh salt every time


def test_the_pin_is_nowhere_in_the_database_file(people, db_path, desk):
    # a PIN long enough that the file's hex text (hashes, signatures, uuids) cannot hold it by chance
    long_pin = "864209753102"
    people.add_clerk(Actor("Chen Jing", "manager"), "Wu Lei", "clerk", long_pin)
    desk.conn.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = db_path.read_bytes() + (Path(str(db_path) + "-wal").read_bytes() if Path(str(db_path) + "-wal").exists() else b"")
    for secret in (PIN, long_pin):
        assert secret.encode() not in raw and secret.encode("utf-16-le") not in raw
    rows = sqlite3.connect(db_path).execute("SELECT name, length(pin_hash), length(pin_salt), pin_params FROM clerks ORDER BY name").fetchall()
    assert rows == [(name, 32, 16, "scrypt:n=16384,r=8,p=1") for name in ("Chen Jing", "Li Na", "Wu Lei")]


def test_setup_sets_the_store_and_refuses_twice(people, desk):
    assert desk.settings["store_name"] == "王府井店" and desk.settings["counter"] == "C2"
    with pytest.raises(RefusedError):
        people.setup(store="x", counter="C1", market="CN", manager="Other", pin="9999")


@pytest.mark.parametrize("pin", ["", "12", "abcd", "1234567890123", "12 34"])
def test_pin_rules(desk, pin):
    with pytest.raises(InputError) as err:
        PeopleService(desk).setup(store="S", counter="C1", market="CN", manager="M", pin=pin)
    assert err.value.key == "pin_rules"
    assert repo.clerk_count(desk.conn) == 0


def test_sign_in_and_lockout_after_five_wrong_pins(people, desk):
    assert people.authenticate("Li Na", "1357") == Actor("Li Na", "clerk")
    start = dt.datetime(2025, 7, 1, 2, tzinfo=dt.timezone.utc)
    for i in range(5):
        with pytest.raises(RefusedError):
            people.authenticate("Li Na", "0000", now=start + dt.timedelta(seconds=i))
    with pytest.raises(RefusedError) as err:  # locked: even the right PIN waits
        people.authenticate("Li Na", "1357", now=start + dt.timedelta(minutes=4))
    assert err.value.key == "account_locked"
    assert people.authenticate("Li Na", "1357", now=start + dt.timedelta(minutes=6)).name == "Li Na"
    actions = [e["action"] for e in repo.audit_events(desk.conn)]
    assert actions.count("sign_in_failed") == 5 and actions.count("signed_in") == 2


def test_unknown_or_disabled_clerks_cannot_sign_in(people):
    with pytest.raises(RefusedError):
        people.authenticate("Nobody", "1357")
    people.disable_clerk(Actor("Chen Jing", "manager"), "Li Na")
    with pytest.raises(RefusedError):
        people.authenticate("Li Na", "1357")
    with pytest.raises(RefusedError) as err:
        people.disable_clerk(Actor("Chen Jing", "manager"), "Chen Jing")
    assert err.value.key == "last_manager"


CLERK = Actor("Li Na", "clerk")
MANAGER = Actor("Chen Jing", "manager")


def test_a_clerk_session_is_refused_every_manager_operation(people, desk, tmp_path):
    from returns_desk.services import catalogue_service  # noqa: F401  (import check only)

    svc = ReturnsService(desk)
    entry = svc.record(draft(), actor=CLERK)
    assert entry["clerk"] == "Li Na"  # the signed-in clerk, not what the form said
    refused = {
        "void": lambda: svc.void(entry["ticket"], reason="x", by=CLERK),
        "override": lambda: svc.record(draft(override_reason="same serial again"), actor=CLERK),
        "override_amount": lambda: svc.record(draft(serial="AKFF1Y0E48301746", amount="999", override_reason="bundle"), actor=CLERK),
        "manage_clerks": lambda: people.add_clerk(CLERK, "Zhang", "clerk", "2468"),
        "disable": lambda: people.disable_clerk(CLERK, "Chen Jing"),
        "settings": lambda: desk.update_settings({"market": "US"}, actor=CLERK),
        "restore": lambda: backup_service.restore(desk, tmp_path / "x.db", actor=CLERK),
    }
    for name, call in refused.items():
        with pytest.raises(RefusedError) as err:
            call()
        assert err.value.key == "manager_required", name
    assert desk.conn.read("SELECT count(*) AS n FROM returns")[0]["n"] == 1


def test_a_manager_approves_an_override_on_the_spot(people, desk):
    svc = ReturnsService(desk)
    first = svc.record(draft(), actor=CLERK)
    approver = people.approve("Chen Jing", PIN, "override")
    second = svc.record(draft(override_reason="two units, one label"), actor=CLERK, approver=approver)
    assert second["clerk"] == "Li Na" and second["override_by"] == "Chen Jing" and second["duplicate_of"] == first["ticket"]
    event = repo.audit_events(desk.conn, "return_recorded")[-1]
    assert json.loads(event["details"])["approved_by"] == "Chen Jing"
    with pytest.raises(RefusedError):
        people.approve("Li Na", "1357", "override")  # a clerk's PIN approves nothing


def test_every_write_is_chained_and_verify_passes(people, desk):
    svc = ReturnsService(desk)
    e = svc.record(draft(), actor=CLERK)
    svc.void(e["ticket"], reason="keyed twice", by=MANAGER)
    backup_service.backup(desk, actor="Chen Jing")
    report = verify(desk)
    assert report.ok, report
    assert report.events >= 6 and report.returns == 1
    chain = desk.conn.read("SELECT id, prev_hash, hash FROM audit ORDER BY id")
    assert chain[0]["prev_hash"] is None
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(chain, chain[1:]))


def test_returns_cannot_be_changed_except_by_voiding(people, desk):
    e = ReturnsService(desk).record(draft(), actor=CLERK)
    with pytest.raises(sqlite3.IntegrityError, match="only be voided"):
        desk.conn.db.conn.execute("UPDATE returns SET amount_minor = 1 WHERE ticket = ?", (e["ticket"],))
    with pytest.raises(sqlite3.IntegrityError):
        desk.conn.db.conn.execute("UPDATE returns SET status = 'void', amount_minor = 0 WHERE ticket = ?", (e["ticket"],))


def _tamper(db_path, *sql):
    """What someone with the sqlite3 command line could do: drop the guards and edit."""
    con = sqlite3.connect(db_path)
    con.executescript("DROP TRIGGER IF EXISTS returns_change_only_by_void_or_confirmation; DROP TRIGGER returns_never_deleted; "
                      "DROP TRIGGER audit_append_only_update; DROP TRIGGER audit_append_only_delete;")
    for s in sql:
        con.execute(s)
    con.commit()
    con.close()


@pytest.mark.parametrize(
    "sql, expected",
    [
        (["UPDATE returns SET amount_minor = 99900 WHERE id = 2"], "was changed"),
        (["DELETE FROM returns WHERE id = 2"], "was removed"),
        (["UPDATE audit SET actor = 'someone else' WHERE id = 3"], "Audit event 3"),
        (["DELETE FROM audit WHERE id = 3"], "breaks before event 4"),
        (["INSERT INTO returns SELECT NULL, 'x-uuid', 'FAKE-1', recorded_at, business_date, time_zone, store, counter, clerk, market, "
          "model_input, model, brand, recall_id, verdict, catalogue_version, confirmation, serial, batch_code, made_on, condition, remedy, "
          "amount_minor, currency, replacement_model, receipt, proof_type, customer_contact, notes, override_reason, override_by, duplicate_of, "
          "status, void_reason, void_by, void_at, isolation_confirmed_at, check_warning FROM returns WHERE id = 1"], "added outside"),
        (["UPDATE returns SET status = 'void', void_reason = 'x', void_by = 'y', void_at = 'z' WHERE id = 2"], "was changed"),
    ],
)
def test_verify_names_the_first_change_made_with_the_sqlite3_command_line(people, desk, db_path, sql, expected):
    svc = ReturnsService(desk)
    tickets = [svc.record(draft(serial=f"AKFF1Y0E4830{i:04d}"), actor=CLERK)["ticket"] for i in range(3)]
    desk.close()
    assert run("verify", db=db_path).returncode == 0
    _tamper(db_path, *sql)
    r = run("verify", db=db_path)
    assert r.returncode == 1 and expected in r.stderr and "Traceback" not in r.stderr, r.stderr
    if "returns" in sql[0] and "INSERT" not in sql[0]:
        assert tickets[1] in r.stderr


def test_backup_and_restore_round_trip(people, desk, db_path, tmp_path):
    svc = ReturnsService(desk)
    kept = svc.record(draft(), actor=CLERK)["ticket"]
    copy = backup_service.backup(desk, tmp_path / "before.db", actor="Chen Jing")
    later = svc.record(draft(serial="AKFF1Y0E48301799"), actor=CLERK)["ticket"]
    fresh, aside = backup_service.restore(desk, copy, actor=MANAGER)
    try:
        tickets = [r["ticket"] for r in fresh.conn.read("SELECT ticket FROM returns")]
        assert tickets == [kept]
        assert repo.audit_events(fresh.conn)[-1]["action"] == "restore"
        assert verify(fresh).ok
    finally:
        fresh.close()
    aside_tickets = [r[0] for r in sqlite3.connect(aside).execute("SELECT ticket FROM returns ORDER BY id")]
    assert aside_tickets == [kept, later]  # nothing lost: the replaced database is kept aside


@pytest.mark.parametrize("content", [b"garbage" * 100, b""])
def test_restore_refuses_a_bad_file_and_changes_nothing(people, desk, db_path, tmp_path, content):
    ReturnsService(desk).record(draft(), actor=CLERK)
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    with pytest.raises(InputError) as err:
        backup_service.restore(desk, bad, actor=MANAGER)
    assert err.value.key == "restore_invalid"
    assert desk.conn.read("SELECT count(*) AS n FROM returns")[0]["n"] == 1


def test_daily_backup_runs_once_per_business_day(desk):
    first = backup_service.daily_backup_if_due(desk)
    assert first is not None and first.exists()
    assert backup_service.daily_backup_if_due(desk) is None


def test_cli_setup_clerks_void_and_record_attribution(db_path):
    assert run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "10", "--serial", "AKFF1Y0E48301745",
               "--clerk", "anyone", db=db_path).returncode == 0  # before setup: a free label
    r = run("setup", "--store", "Shop 1", "--counter", "C1", "--market", "CN", "--manager", "Chen", "--pin", "2580", db=db_path)
    assert r.returncode == 0, r.stderr
    assert run("setup", "--store", "x", "--counter", "C1", "--market", "CN", "--manager", "X", "--pin", "2580", db=db_path).returncode == 2
    chen = ("--manager", "Chen", "--manager-pin", "2580")
    missing = run("clerks", "add", "Li", "--role", "clerk", "--pin", "1357", db=db_path)
    assert missing.returncode == 2 and "--manager NAME --manager-pin PIN" in missing.stderr
    assert run("clerks", "add", "Li", "--role", "clerk", "--pin", "1357", *chen, db=db_path).returncode == 0
    assert run("clerks", "add", "Li", "--role", "clerk", "--pin", "1357", *chen, db=db_path).returncode == 2
    assert run("clerks", "add", "Wu", "--role", "boss", "--pin", "1357", *chen, db=db_path).returncode == 2
    as_clerk_adding = run("clerks", "add", "Wu", "--role", "manager", "--pin", "1357", "--manager", "Li", "--manager-pin", "1357", db=db_path)
    assert as_clerk_adding.returncode == 2 and "not a manager" in as_clerk_adding.stderr
    listing = json.loads(run("clerks", "list", "--json", db=db_path).stdout)
    assert {c["name"]: c["role"] for c in listing} == {"Chen": "manager", "Li": "clerk"}
    bad = run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "10", "--serial", "AKFF1Y0E48301746",
              "--clerk", "Stranger", db=db_path)
    assert bad.returncode == 2 and "Stranger" in bad.stderr
    ok = run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "10", "--serial", "AKFF1Y0E48301746",
             "--clerk", "Li", db=db_path)
    ticket = ok.stdout.strip()
    assert ok.returncode == 0
    wrong = run("void", ticket, "--reason", "test", "--manager", "Chen", "--pin", "0000", db=db_path)
    assert wrong.returncode == 2 and "not recognised" in wrong.stderr
    as_clerk = run("void", ticket, "--reason", "test", "--manager", "Li", "--pin", "1357", db=db_path)
    assert as_clerk.returncode == 2 and "not a manager" in as_clerk.stderr
    done = run("void", ticket, "--reason", "keyed twice", "--manager", "Chen", "--pin", "2580", db=db_path)
    assert done.returncode == 0, done.stderr
    row = sqlite3.connect(db_path).execute("SELECT status, void_by FROM returns WHERE ticket = ?", (ticket,)).fetchone()
    assert row == ("void", "Chen")
    assert run("clerks", "disable", "Li", db=db_path).returncode == 2  # no manager named
    assert run("clerks", "disable", "Li", "--manager", "Chen", "--pin", "2580", db=db_path).returncode == 0
    assert run("verify", db=db_path).returncode == 0


def test_cli_restore_after_set_up_needs_a_manager_and_is_audited(db_path, tmp_path):
    """Restoring is what a manager does when the window cannot start."""
    assert run("setup", "--store", "Shop 1", "--counter", "C1", "--market", "CN", "--manager", "Chen", "--pin", "2580", db=db_path).returncode == 0
    copy = tmp_path / "copy.db"
    assert run("backup", "--out", str(copy), db=db_path).returncode == 0
    assert run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "10", "--serial", "AKFF1Y0E48301746",
               "--clerk", "Chen", db=db_path).returncode == 0
    refused = run("restore", str(copy), db=db_path)
    assert refused.returncode == 2 and "--manager NAME --pin PIN" in refused.stderr
    wrong = run("restore", str(copy), "--manager", "Chen", "--pin", "0000", db=db_path)
    assert wrong.returncode == 2

    def query(sql: str) -> tuple:
        con = sqlite3.connect(db_path)
        try:
            return con.execute(sql).fetchone()
        finally:
            con.close()

    assert query("SELECT count(*) FROM returns") == (1,)
    r = run("restore", str(copy), "--manager", "Chen", "--pin", "2580", db=db_path)
    assert r.returncode == 0, r.stderr
    assert query("SELECT count(*) FROM returns") == (0,)
    assert query("SELECT action, actor FROM audit ORDER BY id DESC LIMIT 1") == ("restore", "Chen")


def test_cli_restore(db_path, tmp_path):
    assert run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "10", "--serial", "AKFF1Y0E48301745", db=db_path).returncode == 0
    copy = tmp_path / "copy.db"
    assert run("backup", "--out", str(copy), db=db_path).returncode == 0
    assert run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "10", "--serial", "AKFF1Y0E48301746", db=db_path).returncode == 0
    r = run("restore", str(copy), db=db_path)
    assert r.returncode == 0, r.stderr
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM returns").fetchone()[0] == 1
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(4096))
    r = run("restore", str(garbage), db=db_path)
    assert r.returncode == 2 and "Nothing was changed" in r.stderr


def test_a_clerk_cannot_close_the_day_or_export(people, desk, tmp_path):
    from returns_desk.export.service import export_tally
    from returns_desk.reports.service import DailyReportService

    day = dt.date(2025, 7, 1)
    with pytest.raises(RefusedError) as err:
        DailyReportService(desk).close_day(day, manager=CLERK)
    assert err.value.key == "manager_required"
    with pytest.raises(RefusedError):
        export_tally(desk, day, day, "csv", tmp_path / "t.csv", group_by=["model"], by=CLERK)
    assert not (tmp_path / "t.csv").exists()
    assert DailyReportService(desk).close_day(day, manager=MANAGER)["z_number"] == 1


def test_a_damaged_database_is_recovered_from_the_newest_good_backup(tmp_path):
    from returns_desk.services.desk import Desk
    from returns_desk.storage.database import StorageError

    db = tmp_path / "shop.db"
    desk = Desk.open(db)
    ReturnsService(desk).record(draft())
    good = backup_service.backup(desk)
    desk.close()
    (good.parent / "returns-desk-00000000-000000-000000.db").write_bytes(b"junk" * 100)  # a bad, older file is skipped
    damaged = b"SQLite format 3\x00" + b"\xff" * 8192
    db.write_bytes(damaged)
    for side in ("-wal", "-shm"):
        (tmp_path / f"shop.db{side}").unlink(missing_ok=True)
    with pytest.raises(StorageError):
        d = Desk.open(db)
        d.close()
    assert backup_service.newest_good_backup(db) == good
    fresh, aside = backup_service.recover(db, good)
    try:
        assert fresh.conn.read("SELECT count(*) AS n FROM returns")[0]["n"] == 1
        assert repo.audit_events(fresh.conn)[-1]["action"] == "restore"
    finally:
        fresh.close()
    assert aside.read_bytes() == damaged  # never silently overwritten


def test_manufacturer_confirmation_is_recorded_once_and_verify_still_passes(people, desk, db_path):
    svc = ReturnsService(desk)
    a = svc.record(draft(), actor=CLERK)
    b = svc.record(draft(serial="AKFF1Y0E48301746"), actor=CLERK)
    assert a["confirmation"] == "pending"
    with pytest.raises(RefusedError) as err:
        svc.set_confirmation(a["ticket"], "confirmed", by=CLERK)
    assert err.value.key == "manager_required"
    done = svc.set_confirmation(a["ticket"], "confirmed", by=MANAGER, note="Anker case 12345")
    assert done["confirmation"] == "confirmed" and done["amount_minor"] == a["amount_minor"]
    svc.set_confirmation(b["ticket"], "rejected", by=MANAGER)
    with pytest.raises(RefusedError) as err:
        svc.set_confirmation(a["ticket"], "rejected", by=MANAGER)  # once only
    assert err.value.key == "not_pending"
    progress = {(r["confirmation"]): r["n"] for r in repo.recall_progress(desk.conn, None, "2099-12-31")}
    assert progress == {"confirmed": 1, "rejected": 1}
    assert verify(desk).ok
    with pytest.raises(sqlite3.IntegrityError):  # nothing else may change with it
        desk.conn.db.conn.execute("UPDATE returns SET confirmation = 'pending' WHERE ticket = ?", (a["ticket"],))
    desk.close()
    _tamper(db_path, f"UPDATE returns SET confirmation = 'rejected' WHERE ticket = '{a['ticket']}'")
    r = run("verify", db=db_path)
    assert r.returncode == 1 and a["ticket"] in r.stderr


def test_cli_confirm(db_path):
    assert run("setup", "--store", "S", "--counter", "C1", "--market", "CN", "--manager", "Chen", "--pin", "2580", db=db_path).returncode == 0
    ticket = run("record", "--isolated", "--model", "A1257", "--remedy", "refund", "--amount", "10", "--serial", "AKFF1Y0E48301745",
                 "--clerk", "Chen", db=db_path).stdout.strip()
    r = run("confirm", ticket, "--result", "confirmed", "--manager", "Chen", "--pin", "2580", "--note", "case 1", db=db_path)
    assert r.returncode == 0 and "confirmed" in r.stdout, r.stderr
    again = run("confirm", ticket, "--result", "rejected", "--manager", "Chen", "--pin", "2580", db=db_path)
    assert again.returncode == 2 and "not pending" in again.stderr
    assert sqlite3.connect(db_path).execute("SELECT confirmation FROM returns").fetchone() == ("confirmed",)
