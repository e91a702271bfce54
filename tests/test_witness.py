"""Head office as the witness of a counter's chain (issue 16, part 4): once events are
acknowledged by head office, rewriting them in the counter's file — even re-chained with the
project's own functions, even with the triggers put back — is named by `verify` at the first
event that differs. Real PostgreSQL (tests/hq_support.py), no mock."""

from __future__ import annotations

import sqlite3

from hq_support import open_counter, record_mix
from returns_desk.headoffice import credentials, pg
from returns_desk.services import sync_service
from returns_desk.services.verify_service import verify
from tamper_support import rewrite_return


def test_head_office_names_a_history_rewritten_after_it_was_sent(hq_dsn, tmp_path):
    store = pg.add_store(hq_dsn, "S1")
    db = tmp_path / "c.db"
    desk = open_counter(db, "S1", "C1")
    tickets = record_mix(desk, 6)
    credentials.save(desk.conn.path, store["dsn"])
    assert sync_service.sync(desk).state == "synced"
    report = verify(desk)
    assert report.ok and ("verify_witness_ok", {"events": sync_service.status(desk).acked_seq}) in report.notes
    desk.close()

    event = rewrite_return(db, tickets[1], amount_minor=999_900, put_guards_back=True)
    # the insider also re-signs nothing here: the guards are back, the chain agrees with itself;
    # head office still holds the hashes it acknowledged
    desk = open_counter(db, "S1", "C1")
    try:
        report = verify(desk)
        assert ("verify_witness_differs", {"id": event}) in report.problems
        witness_only = [p for p in report.problems if p[0].startswith("verify_witness")]
        assert witness_only == [("verify_witness_differs", {"id": event})]
    finally:
        desk.close()
    # an event's uuid (its name at head office, outside the hash) changed in the file: named too
    con = sqlite3.connect(db)
    trigger = con.execute("SELECT sql FROM sqlite_master WHERE name = 'audit_append_only_update'").fetchone()[0]
    con.execute("DROP TRIGGER audit_append_only_update")
    con.execute("UPDATE audit SET uuid = '00000000-0000-4000-8000-000000000000' WHERE id = 2")
    con.execute(trigger)
    con.commit()
    con.close()
    desk = open_counter(db, "S1", "C1")
    try:
        assert ("verify_witness_differs", {"id": 2}) in verify(desk).problems
    finally:
        desk.close()


def test_an_unreachable_head_office_is_said_not_hidden(tmp_path, pg_server):
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    record_mix(desk, 2)
    credentials.save(desk.conn.path, "postgresql://nobody:nothing@127.0.0.1:1/none?connect_timeout=2")
    try:
        report = verify(desk)
        assert report.ok and [k for k, _ in report.notes if k == "verify_witness_unreachable"]
    finally:
        desk.close()
    assert sqlite3.connect(tmp_path / "c.db").execute("SELECT count(*) FROM returns").fetchone()[0] == 2
