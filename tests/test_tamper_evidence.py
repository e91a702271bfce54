"""Issue 16: tamper evidence that an insider cannot rewrite. Each anchor in turn names the
insider's re-chained history: the guards verify checks in the file, the paper anchor on every
printed report and the stored Z's, and the counter's signature on every event."""

from __future__ import annotations

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
        svc.record(ReturnDraft(model_input="A1257", remedy="refund", clerk="x", amount="99.00", serial=f"AKFF1Y0E4830{i:04d}"), actor=CLERK)["ticket"]
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
    assert run("report", "daily", "--pdf", str(z), "--close", "--manager", "Chen Jing", db=db_path).returncode == 0
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
    assert run("report", "daily", "--pdf", str(tmp_path / "z.pdf"), "--close", "--manager", "Chen Jing", db=db_path).returncode == 0
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
