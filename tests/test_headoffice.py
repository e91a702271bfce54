"""Head office on a real PostgreSQL (tests/hq_support.py starts one): migrations, store roles,
the ingest contract (idempotent, chain-checked, quarantine, gaps), security of the roles, the
counter's device id, connect / sync / export / import on the command line."""

from __future__ import annotations

import copy
import json
import os
import stat
import sys
from pathlib import Path

import psycopg
import pytest

from returns_desk.cli import main
from returns_desk.headoffice import credentials, pg
from returns_desk.headoffice.errors import HeadOfficeError
from returns_desk.services import sync_service
from returns_desk.storage import repository as repo
from tests.hq_support import DAY, hq_rows, open_counter, record_mix

EXE = Path(sys.executable).with_name("returns-desk")


def batch_of(desk, events=None):  # type: ignore[no-untyped-def]
    """The batch sync would send for these events (default: all of them)."""
    events = repo.events_after(desk.conn, 0, 10_000) if events is None else events
    return sync_service._batch(desk, repo.device_id(desk.conn), events)


def ingest_as(dsn: str, batch: dict) -> dict:
    with psycopg.connect(dsn, autocommit=True) as con:
        return pg.ingest(con, batch)


# --- infrastructure and migrations ---------------------------------------------------------


def test_throwaway_server_runs_as_an_unprivileged_user(pg_server):
    assert pg_server.running()
    with psycopg.connect(pg_server.admin_dsn(), autocommit=True) as con:
        version = con.execute("SHOW server_version_num").fetchone()[0]
        data_dir = con.execute("SHOW data_directory").fetchone()[0]
    assert int(version) >= 150000
    assert data_dir.startswith(str(pg_server.root))
    if os.geteuid() == 0:
        assert Path(data_dir).stat().st_uid != 0


def test_migrations_are_recorded_and_run_once(hq_dsn, tmp_path):
    rows = hq_rows(hq_dsn, "SELECT version, name FROM hq.schema_migrations ORDER BY version")
    assert rows == [(m.version, m.name) for m in pg.migration_files()]
    assert pg.migrate(hq_dsn) == ([], rows[-1][0])  # again: nothing to do
    # a migration changed after it was applied is refused, nothing runs
    changed = tmp_path / "mig"
    changed.mkdir()
    for m in pg.migration_files():
        (changed / m.path.name).write_text(m.text + "\n-- edited\n", encoding="utf-8")
    with pytest.raises(HeadOfficeError) as err:
        pg.migrate(hq_dsn, changed)
    assert err.value.key == "hq_migration_changed"


def test_cli_migrate_add_store_and_reader(pg_server, capsys):
    dsn = pg_server.admin_dsn(pg_server.create_database())
    env_before = os.environ.get("RETURNS_DESK_HQ_DSN")
    os.environ["RETURNS_DESK_HQ_DSN"] = dsn
    try:
        assert main(["hq", "migrate"]) == 0
        assert "0001_ingest" in capsys.readouterr().out
        assert main(["hq", "add-store", "S9"]) == 0
        lines = capsys.readouterr().out.strip().splitlines()
        store_dsn = lines[-1]  # the last line is the counters' connection string
        assert store_dsn.startswith("postgresql://rd_store_s9_")
        with psycopg.connect(store_dsn) as con:
            assert con.execute("SELECT session_user").fetchone()[0].startswith("rd_store_s9_")
        assert main(["hq", "add-store", "S9", "--json"]) == 1  # exists: a message, nothing changed
        assert "already exists" in capsys.readouterr().err
        assert main(["hq", "add-store", "bad code!"]) == 1
        assert main(["hq", "add-reader", "--store", "S9", "--json"]) == 0
        reader = json.loads(capsys.readouterr().out)
        assert reader["store"] == "S9" and reader["dsn"].startswith("postgresql://rd_read_s9_")
    finally:
        if env_before is None:
            os.environ.pop("RETURNS_DESK_HQ_DSN", None)
        else:
            os.environ["RETURNS_DESK_HQ_DSN"] = env_before
    with pytest.raises(SystemExit) as ex:  # no --dsn, no environment variable: a usage error
        main(["hq", "migrate"])
    assert ex.value.code == 2
    assert "RETURNS_DESK_HQ_DSN" in capsys.readouterr().err
    assert main(["hq", "migrate", "--dsn", "postgresql://nobody:x@127.0.0.1:1/none"]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "Traceback" not in err


# --- the counter's device id and event ids -------------------------------------------------


def test_device_id_made_on_first_use_and_anew_by_restore(tmp_path):
    from returns_desk.domain.auth import Actor
    from returns_desk.services import backup_service

    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    first = repo.device_id(desk.conn)
    assert len(first) == 36
    record_mix(desk, 2)
    assert all(e["uuid"] for e in repo.events_after(desk.conn, 0, 100))
    saved = backup_service.backup(desk, tmp_path / "b.db")
    desk.close()
    from returns_desk.services.desk import Desk

    desk = Desk.open(tmp_path / "c.db")
    assert repo.device_id(desk.conn) == first  # reopening keeps it
    fresh, _ = backup_service.restore(desk, saved, actor=Actor("Boss", "manager"))
    try:
        new = repo.device_id(fresh.conn)
        assert new != first
        restore_event = repo.audit_events(fresh.conn, "restore")[-1]
        assert json.loads(restore_event["details"])["device_before"] == first
        from returns_desk.services.verify_service import verify

        assert verify(fresh).ok
    finally:
        fresh.close()


# --- ingest ------------------------------------------------------------------------------------


def test_sync_lands_every_event_once_and_the_returns(hq_dsn, tmp_path):
    store = pg.add_store(hq_dsn, "S1")
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    tickets = record_mix(desk, 12, void_every=5)
    res = sync_service.sync(desk, store["dsn"], batch_size=5)
    last = repo.last_event_seq(desk.conn)
    assert res.state == "synced" and res.acked_seq == last and res.accepted == last and res.waiting == 0
    events = hq_rows(hq_dsn, "SELECT seq, uuid::text, at, received_at FROM hq.events ORDER BY seq")
    assert [e[0] for e in events] == list(range(1, last + 1))
    local = repo.events_after(desk.conn, 0, 1000)
    assert [e[1] for e in events] == [e["uuid"] for e in local]
    assert [e[2] for e in events] == [e["at"] for e in local]  # the device's time, as it recorded it
    assert all(e[3] is not None for e in events)  # and the server's
    rows = hq_rows(hq_dsn, "SELECT ticket, status, amount_minor, notes, business_date::text FROM hq.returns ORDER BY ticket")
    assert [r[0] for r in rows] == sorted(tickets)
    assert sum(1 for r in rows if r[1] == "void") == 2
    assert {r[4] for r in rows} == {DAY}
    assert any(r[3] == '说 "hot"\ttab' for r in rows)  # text exactly as typed
    # again: nothing new, nothing doubled
    again = sync_service.sync(desk, store["dsn"])
    assert again.sent == 0 and again.state == "synced"
    # the same batch pushed twice (a retry after a lost answer) is held once
    answer = ingest_as(store["dsn"], batch_of(desk))
    assert answer["accepted"] == 0 and answer["duplicates"] == last and answer["acked_seq"] == last
    assert hq_rows(hq_dsn, "SELECT count(*) FROM hq.events")[0][0] == last
    # a later confirmation and a void travel as their events
    from returns_desk.domain.auth import Actor
    from returns_desk.services.returns_service import ReturnsService

    svc = ReturnsService(desk)
    svc.set_confirmation(tickets[0], "confirmed", by=Actor("Boss", "manager"))
    svc.void(tickets[1], reason="wrong unit", by="Boss")
    assert sync_service.sync(desk, store["dsn"]).accepted == 2
    got = {t: (c, s) for t, c, s in hq_rows(hq_dsn, "SELECT ticket, confirmation, status FROM hq.returns")}
    assert got[tickets[0]] == ("confirmed", "active") and got[tickets[1]][1] == "void"
    # the running counts (0003) follow recordings, voids and answers
    counted = hq_rows(hq_dsn, "SELECT business_date, recall_id, remedy, confirmation, sum(n) FROM hq.return_counts "
                              "GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4")
    direct = hq_rows(hq_dsn, "SELECT business_date, recall_id, remedy, confirmation, count(*) FROM hq.returns "
                             "WHERE status = 'active' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4")
    assert counted == direct and sum(r[4] for r in direct) == 12 - 3
    desk.close()


def test_every_event_kind_and_every_column_travel(hq_dsn, tmp_path):
    """Sync is generic: settings changes, backups, closes, sign-ins... and any column the audit
    table has (a later one, such as a signature) arrive in the event's payload."""
    from returns_desk.services import backup_service

    store = pg.add_store(hq_dsn, "S1")
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    record_mix(desk, 1)
    backup_service.backup(desk, tmp_path / "b.db")
    sync_service.sync(desk, store["dsn"])
    kinds = {r[0] for r in hq_rows(hq_dsn, "SELECT action FROM hq.events")}
    assert {"settings_changed", "return_recorded", "backup"} <= kinds
    payload = hq_rows(hq_dsn, "SELECT payload FROM hq.events WHERE seq = 1")[0][0]
    local = repo.events_after(desk.conn, 0, 1)[0]
    assert set(local) <= set(payload) and all(payload[k] == local[k] for k in local)
    desk.close()


def test_gap_answers_send_again_from(hq_dsn, tmp_path):
    store = pg.add_store(hq_dsn, "S1")
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    record_mix(desk, 6)
    events = repo.events_after(desk.conn, 0, 100)
    answer = ingest_as(store["dsn"], batch_of(desk, events[:3]))
    assert answer["acked_seq"] == 3
    answer = ingest_as(store["dsn"], batch_of(desk, events[5:]))  # 4 and 5 missing
    assert answer["resend_from"] == 4 and answer["acked_seq"] == 3 and answer["accepted"] == 0
    # sync starts where head office is and fills the gap
    res = sync_service.sync(desk, store["dsn"])
    assert res.acked_seq == len(events)
    assert hq_rows(hq_dsn, "SELECT count(*), count(DISTINCT seq) FROM hq.events")[0] == (len(events), len(events))
    desk.close()


def test_tampered_event_quarantined_rest_of_batch_lands(hq_dsn, tmp_path):
    store = pg.add_store(hq_dsn, "S1")
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    record_mix(desk, 6)
    batch = batch_of(desk)
    n = len(batch["events"])
    # event 3: the amount in its details changed without its hash; event 5: the return it
    # carries changed (the event's fingerprint of the return no longer matches)
    recorded = [e for e in batch["events"] if e["action"] == "return_recorded"]
    e3, e5 = recorded[0], recorded[2]  # (the counter's first events announce its key and settings)
    e3["details"] = e3["details"].replace("14900", "1")
    e5["return"]["amount_minor"] = 1
    answer = ingest_as(store["dsn"], batch)
    bad = [(e3["id"], "hash_mismatch"), (e5["id"], "return_mismatch")]
    assert {(q["seq"], q["reason"]) for q in answer["quarantined"]} == set(bad)
    assert answer["acked_seq"] == n and answer["accepted"] == n - 2
    assert hq_rows(hq_dsn, "SELECT seq, reason FROM hq.quarantine ORDER BY seq") == bad
    assert hq_rows(hq_dsn, "SELECT count(*) FROM hq.events")[0][0] == n - 2
    assert hq_rows(hq_dsn, "SELECT count(*) FROM hq.returns")[0][0] == 4
    # a known UUID sent again with other content is reported, never overwrites
    forged = copy.deepcopy(batch_of(desk, repo.events_after(desk.conn, 0, 1)))
    forged["events"][0]["actor"] = "Mallory"
    answer = ingest_as(store["dsn"], forged)
    assert [q["reason"] for q in answer["quarantined"]] == ["uuid_conflict"]
    assert hq_rows(hq_dsn, "SELECT actor FROM hq.events WHERE seq = 1")[0][0] != "Mallory"
    # a broken link (an event removed at the counter) is quarantined, the chain goes on
    desk2 = open_counter(tmp_path / "d.db", "S1", "C2")
    record_mix(desk2, 3, tag=2)
    b2 = batch_of(desk2)
    b2["events"][1]["prev_hash"] = "0" * 64
    answer = ingest_as(store["dsn"], b2)
    assert [q["reason"] for q in answer["quarantined"]] == ["chain_broken"] and answer["acked_seq"] == len(b2["events"])
    desk.close()
    desk2.close()


def test_repeated_ticket_with_another_uuid_is_kept_and_flagged(hq_dsn, tmp_path):
    """Two counters set up with the same counter id make the same ticket numbers: both returns are
    kept at head office (identity is the UUID) and flagged."""
    store = pg.add_store(hq_dsn, "S1")
    a = open_counter(tmp_path / "a.db", "S1", "C1")
    b = open_counter(tmp_path / "b.db", "S1", "C1")
    ta = record_mix(a, 2)
    tb = record_mix(b, 2, tag=1)
    assert ta == tb
    sync_service.sync(a, store["dsn"])
    res = sync_service.sync(b, store["dsn"])
    assert sorted(res.repeated_tickets) == sorted(tb)
    rows = hq_rows(hq_dsn, "SELECT ticket, count(*), bool_and(repeated_ticket) FROM hq.returns GROUP BY ticket ORDER BY ticket")
    assert rows == [(t, 2, True) for t in sorted(ta)]
    a.close()
    b.close()


def test_device_clock_off_is_flagged(hq_dsn, tmp_path):
    store = pg.add_store(hq_dsn, "S1")
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    batch = batch_of(desk)
    batch["sent_at"] = "2020-01-01T00:00:00.000000Z"
    answer = ingest_as(store["dsn"], batch)
    assert answer["clock_flagged"] is True and answer["clock_skew_seconds"] < -3600
    assert hq_rows(hq_dsn, "SELECT clock_flagged FROM hq.devices")[0][0] is True
    desk.close()


# --- security ----------------------------------------------------------------------------------


def test_store_role_may_only_ingest_for_itself(hq_dsn, tmp_path):
    s1 = pg.add_store(hq_dsn, "S1")
    pg.add_store(hq_dsn, "S2")
    desk = open_counter(tmp_path / "c.db", "S2", "C1")  # the counter claims S2 ...
    record_mix(desk, 2)
    batch = batch_of(desk)
    batch["store_code"] = "S2"
    answer = ingest_as(s1["dsn"], batch)  # ... but pushes with S1's credentials
    assert answer["store"] == "S1"
    assert {r[0] for r in hq_rows(hq_dsn, "SELECT DISTINCT store FROM hq.events")} == {"S1"}
    assert {r[0] for r in hq_rows(hq_dsn, "SELECT DISTINCT store FROM hq.returns")} == {"S1"}
    tables = ["hq.stores", "hq.readers", "hq.devices", "hq.events", "hq.returns", "hq.quarantine", "hq.schema_migrations", "hq.catalogues",
              "hq.return_counts", "hq.incidents",
              "hq.returns_v", "hq.events_v", "hq.sync_progress_v", "hq.quarantine_v"]
    attempts = [f"SELECT * FROM {t}" for t in tables]
    attempts += [f"DELETE FROM {t}" for t in tables]
    attempts += ["UPDATE hq.returns SET amount_minor = 0", "UPDATE hq.devices SET acked_seq = 0",
                 "INSERT INTO hq.stores (code, role_name) VALUES ('X', 'x')",
                 "SELECT hq.ingest_for('S2', '{}'::jsonb)", "SELECT * FROM hq.readable_stores()",
                 "CREATE TABLE hq.mine (x int)", "CREATE TEMP TABLE mine (x int)", "TRUNCATE hq.events"]
    with psycopg.connect(s1["dsn"], autocommit=True) as con:
        assert con.execute("SELECT hq.catalogue_newer_than(NULL)").fetchone()[0] is None  # the one other thing it may do
        for q in attempts:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(q)
    desk.close()


def test_unknown_role_cannot_ingest(hq_dsn, pg_server, tmp_path):
    reader = pg.add_reader(hq_dsn, None)
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    with psycopg.connect(reader["dsn"], autocommit=True) as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        pg.ingest(con, batch_of(desk))
    desk.close()


def test_store_manager_reads_only_their_store(hq_dsn, tmp_path):
    stores = {code: pg.add_store(hq_dsn, code) for code in ("S1", "S2")}
    for i, code in enumerate(stores):
        desk = open_counter(tmp_path / f"{code}.db", code, "C1")
        record_mix(desk, 3 + i, tag=i)
        sync_service.sync(desk, stores[code]["dsn"])
        desk.close()
    manager = pg.add_reader(hq_dsn, "S1")
    chain = pg.add_reader(hq_dsn, None)
    with psycopg.connect(manager["dsn"], autocommit=True) as con:
        for view in ("hq.returns_v", "hq.events_v", "hq.sync_progress_v", "hq.returns", "hq.events", "hq.devices", "hq.return_counts"):
            assert {r[0] for r in con.execute(f"SELECT DISTINCT store FROM {view}")} == {"S1"}, view
        assert con.execute("SELECT count(*) FROM hq.returns_v").fetchone()[0] == 3
        for q in ("UPDATE hq.returns SET amount_minor = 0", "DELETE FROM hq.events", "SELECT * FROM hq.stores"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(q)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT hq.ingest('{}'::jsonb)")
    with psycopg.connect(chain["dsn"], autocommit=True) as con:
        assert {r[0] for r in con.execute("SELECT DISTINCT store FROM hq.returns_v")} == {"S1", "S2"}
        assert con.execute("SELECT count(*) FROM hq.returns_v").fetchone()[0] == 7


# --- the command line: connect, sync, export, import ---------------------------------------------


def test_connect_keeps_the_credentials_outside_the_database_and_never_prints_them(hq_dsn, tmp_path, capsys, _isolated_home):
    store = pg.add_store(hq_dsn, "S1")
    password = psycopg.conninfo.conninfo_to_dict(store["dsn"])["password"]
    db = tmp_path / "c.db"
    open_counter(db, "S1", "C1").close()
    assert main(["hq", "connect", "--dsn", store["dsn"], "--db", str(db)]) == 0
    out = capsys.readouterr()
    assert "store S1" in out.out and password not in out.out + out.err
    kept = credentials.credentials_file()
    assert kept.parent == _isolated_home
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert credentials.load(db) == store["dsn"]
    for f in (db, Path(str(db) + "-wal")):
        if f.exists():
            assert password.encode() not in f.read_bytes()
    record_mix(desk := open_counter(db, "S1", "C1"), 3)
    desk.close()
    assert main(["sync", "--db", str(db), "--json"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert state["state"] == "synced" and state["waiting"] == 0 and state["store"] == "S1"
    assert password not in json.dumps(state)
    assert main(["sync", "--db", str(db)]) == 0
    assert "Synced" in capsys.readouterr().out
    assert main(["sync", "--db", str(db), "--lang", "zh_CN", "--status"]) == 0
    assert "已同步" in capsys.readouterr().out
    # a wrong password: a message without the password, exit 1, state offline
    bad = store["dsn"].replace(password, "not-the-password")
    assert main(["hq", "connect", "--dsn", bad, "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "not-the-password" not in err and "Traceback" not in err


def test_sync_not_connected_and_offline(tmp_path, capsys, pg_server):
    db = tmp_path / "c.db"
    open_counter(db, "S1", "C1").close()
    assert main(["sync", "--db", str(db)]) == 2
    assert "not connected" in capsys.readouterr().err
    credentials.save(db, f"postgresql://x:y@127.0.0.1:{pg_server.port + 1 if pg_server.port < 65535 else 1}/none")
    assert main(["sync", "--db", str(db), "--json"]) == 1
    cap = capsys.readouterr()
    state = json.loads(cap.out)
    assert state["state"] == "offline" and state["offline_since"] and state["waiting"] > 0
    assert "cannot be reached" in cap.err


def test_export_import_twice_changes_nothing(hq_dsn, tmp_path, capsys):
    pg.add_store(hq_dsn, "S1")
    db = tmp_path / "c.db"
    desk = open_counter(db, "S1", "C1")
    record_mix(desk, 9, void_every=4)
    last = repo.last_event_seq(desk.conn)
    desk.close()
    out = tmp_path / "usb" / "s1.rdsync"
    out.parent.mkdir()
    assert main(["sync", "export", "--out", str(out), "--db", str(db)]) == 0
    assert f"1 to {last}" in capsys.readouterr().out
    assert main(["hq", "import", str(out), "--dsn", hq_dsn]) == 0
    assert f"{last} new" in capsys.readouterr().out
    before = hq_rows(hq_dsn, "SELECT uuid::text, hash, received_at FROM hq.events ORDER BY seq")
    returns_before = hq_rows(hq_dsn, "SELECT * FROM hq.returns ORDER BY ticket")
    assert main(["hq", "import", str(out), "--dsn", hq_dsn, "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["accepted"] == 0 and second["duplicates"] == last and not second["quarantined"]
    assert hq_rows(hq_dsn, "SELECT uuid::text, hash, received_at FROM hq.events ORDER BY seq") == before
    assert hq_rows(hq_dsn, "SELECT * FROM hq.returns ORDER BY ticket") == returns_before
    # a changed byte: refused whole, nothing sent
    raw = bytearray(out.read_bytes())
    raw[-10] = ord("x") if raw[-10] != ord("x") else ord("y")
    bad = tmp_path / "bad.rdsync"
    bad.write_bytes(bytes(raw))
    assert main(["hq", "import", str(bad), "--dsn", hq_dsn]) == 2
    assert "checksum" in capsys.readouterr().err


def test_store_daily_report_pdf_from_head_office(hq_dsn, tmp_path, capsys):
    """`hq report daily --store`: every counter of the store in one PDF, with a line per counter
    saying up to when its data has arrived (read back with pdftotext)."""
    import subprocess

    store = pg.add_store(hq_dsn, "S1")
    for i in (1, 2):
        desk = open_counter(tmp_path / f"c{i}.db", "S1", f"C{i}")
        record_mix(desk, 4 + i, tag=i, void_every=3)
        sync_service.sync(desk, store["dsn"])
        desk.close()
    pdf = tmp_path / "s1.pdf"
    assert main(["hq", "report", "daily", "--store", "S1", "--date", DAY, "--pdf", str(pdf), "--dsn", hq_dsn]) == 0
    assert "report written" in capsys.readouterr().out
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "By counter (head office)" in text and "Returns arrived up to" in text
    lines = [line.split() for line in text.splitlines() if line.strip().startswith(("C1 ", "C2 "))]
    assert [(ln[0], ln[1]) for ln in lines[:2]] == [("C1", "4"), ("C2", "4")]  # 5 - 1 void, 6 - 2 voids
    zh = tmp_path / "s1-zh.pdf"
    assert main(["hq", "report", "daily", "--store", "S1", "--date", DAY, "--pdf", str(zh), "--dsn", hq_dsn, "--lang", "zh_CN"]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(zh), "-"], capture_output=True, text=True, check=True).stdout
    assert "按柜台（总部）" in text


def published_catalogue(tmp_path: Path, version: str) -> Path:
    from tests.conftest import SEED

    doc = json.loads(SEED.read_text(encoding="utf-8"))
    doc["version"] = version
    out = tmp_path / f"catalogue-{version}.json"
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def test_publish_catalogue_counters_take_it_on_next_sync(hq_dsn, tmp_path, capsys):
    store = pg.add_store(hq_dsn, "S1")
    db = tmp_path / "c.db"
    open_counter(db, "S1", "C1").close()
    credentials.save(db, store["dsn"])
    # a file that fails validation is refused before anything is published
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": "2099.01.01-1", "recalls": [{"id": 1}]}', encoding="utf-8")
    assert main(["hq", "publish-catalogue", str(bad), "--dsn", hq_dsn]) == 2
    assert hq_rows(hq_dsn, "SELECT count(*) FROM hq.catalogues")[0][0] == 0
    capsys.readouterr()
    new = published_catalogue(tmp_path, "2099.01.01-1")
    assert main(["hq", "publish-catalogue", str(new), "--dsn", hq_dsn]) == 0
    assert "Published recall catalogue 2099.01.01-1" in capsys.readouterr().out
    assert main(["hq", "publish-catalogue", str(new), "--dsn", hq_dsn]) == 0
    assert "published already" in capsys.readouterr().out
    (tmp_path / "other").mkdir()
    other = published_catalogue(tmp_path / "other", "2099.01.01-1")
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert main(["hq", "publish-catalogue", str(other), "--dsn", hq_dsn]) == 1
    capsys.readouterr()
    # the counter takes it on its next sync, audited, and the audit event travels in the same sync
    assert main(["sync", "--db", str(db), "--json"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert state["catalogue_taken"] == "2099.01.01-1" and state["waiting"] == 0
    from returns_desk.services.desk import Desk

    with Desk.open(db) as desk:
        assert desk.catalogue.version == "2099.01.01-1"
        taken = repo.audit_events(desk.conn, "catalogue_imported")[-1]
        assert taken["actor"] == "head office"
    assert hq_rows(hq_dsn, "SELECT count(*) FROM hq.events WHERE action = 'catalogue_imported'")[0][0] == 1
    assert main(["sync", "--db", str(db), "--json"]) == 0  # nothing newer: nothing taken
    assert json.loads(capsys.readouterr().out)["catalogue_taken"] is None


def test_a_damaged_published_catalogue_is_refused_and_sync_goes_on(hq_dsn, tmp_path, capsys):
    store = pg.add_store(hq_dsn, "S1")
    db = tmp_path / "c.db"
    desk = open_counter(db, "S1", "C1")
    record_mix(desk, 2)
    before = desk.catalogue.version
    assert pg.publish_catalogue(hq_dsn, "2099.02.02-1", published_catalogue(tmp_path, "2099.02.02-1").read_text(encoding="utf-8"))
    with psycopg.connect(hq_dsn, autocommit=True) as con:
        con.execute("UPDATE hq.catalogues SET document = replace(document, 'Anker', 'Ankor')")
    res = sync_service.sync(desk, store["dsn"])
    assert res.state == "synced" and res.catalogue_taken is None and "checksum" in res.catalogue_refused
    assert desk.catalogue.version == before
    assert hq_rows(hq_dsn, "SELECT count(*) FROM hq.returns")[0][0] == 2
    desk.close()


def chain_of_counters(hq_dsn: str, tmp_path: Path) -> dict[str, list[Path]]:
    """Store S1 with two counters, S2 with one, all synced; returns the files by store."""
    files: dict[str, list[Path]] = {"S1": [], "S2": []}
    stores = {code: pg.add_store(hq_dsn, code) for code in files}
    for code, counter, n, tag in (("S1", "C1", 9, 1), ("S1", "C2", 6, 2), ("S2", "C1", 7, 3)):
        path = tmp_path / f"{code}-{counter}.db"
        desk = open_counter(path, code, counter)
        record_mix(desk, n, tag=tag, void_every=4)
        record_mix(desk, 2, tag=tag + 10, day="2025-07-02")
        sync_service.sync(desk, stores[code]["dsn"])
        desk.close()
        files[code].append(path)
    return files


def test_hq_export_sums_the_counters_tallies(hq_dsn, tmp_path, capsys):
    import csv
    import datetime as dt

    import openpyxl

    from returns_desk.services.desk import Desk
    from returns_desk.services.returns_service import ReturnsService

    files = chain_of_counters(hq_dsn, tmp_path)
    out = tmp_path / "chain.csv"
    assert main(["hq", "export", "--from", DAY, "--to", "2025-07-02", "--group-by", "store,model,remedy", "--format", "csv",
                 "--out", str(out), "--dsn", hq_dsn]) == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == ["store", "model", "remedy", "count", "amount", "currency"]
    held = {(r[0], r[1], r[2]): (int(r[3]), r[4]) for r in got[1:]}
    expected: dict[tuple, list] = {}
    for store, paths in files.items():
        for p in paths:
            with Desk.open(p) as desk:
                for r in ReturnsService(desk).tally(dt.date(2025, 7, 1), dt.date(2025, 7, 2), ["model", "remedy"]):
                    slot = expected.setdefault((store, r["model"], r["remedy"]), [0, 0])
                    slot[0] += r["count"]
                    slot[1] += r["amount_minor"] or 0
    assert {k: v[0] for k, v in held.items()} == {k: v[0] for k, v in expected.items()}
    assert {k: v[1] for k, v in held.items()} == {k: f"{v[1] / 100:.2f}" for k, v in expected.items()}
    xlsx = tmp_path / "chain.xlsx"
    assert main(["hq", "export", "--from", DAY, "--to", DAY, "--group-by", "store,counter,day", "--format", "xlsx",
                 "--out", str(xlsx), "--dsn", hq_dsn, "--store", "S1"]) == 0
    sheet = openpyxl.load_workbook(xlsx)["Tally"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("Store", "Counter", "Day", "Count")  # the counter's XLSX writer: headers in the language
    assert [(v[0], v[1], v[3]) for v in values[1:3]] == [("S1", "C1", 9 - 2), ("S1", "C2", 6 - 1)]
    assert values[1][2] == dt.datetime(2025, 7, 1)
    with pytest.raises(SystemExit):
        main(["hq", "export", "--from", DAY, "--to", DAY, "--group-by", "store,colour", "--format", "csv", "--out", str(out)])


def test_hq_progress_by_store_for_a_recall(hq_dsn, tmp_path, capsys):
    import subprocess

    import openpyxl

    files = chain_of_counters(hq_dsn, tmp_path)
    recall = hq_rows(hq_dsn, "SELECT recall_id FROM hq.returns WHERE model = 'A1257' LIMIT 1")[0][0]
    xlsx = tmp_path / "progress.xlsx"
    assert main(["hq", "progress", "--recall", recall, "--from", "2025-07-02", "--to", "2025-07-02", "--format", "xlsx",
                 "--out", str(xlsx), "--dsn", hq_dsn]) == 0
    assert "2 stores" in capsys.readouterr().out
    sheet = list(openpyxl.load_workbook(xlsx)["Recall progress"].iter_rows(values_only=True))
    head = sheet[0]
    rows = {r[0]: dict(zip(head, r)) for r in sheet[1:]}
    assert set(rows) == {"S1", "S2", "*"}
    import sqlite3

    for store, paths in files.items():
        cum = {"received": 0, "voided": 0, "pending": 0, "refunded": 0}
        period = {"received": 0}
        for p in paths:
            con = sqlite3.connect(p)
            q = "SELECT status, confirmation, remedy, business_date FROM returns WHERE recall_id = ?"
            for status, confirmation, remedy, day in con.execute(q, (recall,)):
                if status != "active":
                    cum["voided"] += 1
                    continue
                cum["received"] += 1
                cum["pending"] += confirmation == "pending"
                cum["refunded"] += remedy == "refund"
                period["received"] += day == "2025-07-02"
            con.close()
        for k, v in cum.items():
            assert rows[store][f"cumulative_{k}"] == v, (store, k)
        assert rows[store]["period_received"] == period["received"]
    assert rows["*"]["cumulative_received"] == rows["S1"]["cumulative_received"] + rows["S2"]["cumulative_received"]
    pdf = tmp_path / "progress.pdf"
    assert main(["hq", "progress", "--recall", recall, "--format", "pdf", "--out", str(pdf), "--dsn", hq_dsn, "--lang", "zh_CN"]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "召回进度" in text and "全部门店" in text and "S2" in text


def test_refused_is_an_error_not_offline(hq_dsn, tmp_path):
    """Reaching head office with a log-in that may not push (a reader's) is an error with the
    reason, and ends 'offline since'."""
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    pg.add_store(hq_dsn, "S1")
    with pytest.raises(HeadOfficeError):
        sync_service.sync(desk, "postgresql://nobody:x@127.0.0.1:1/none")
    assert sync_service.status(desk).offline_since
    credentials.save(desk.conn.path, pg.add_reader(hq_dsn, "S1")["dsn"])
    with pytest.raises(HeadOfficeError) as err:
        sync_service.sync(desk)
    assert err.value.key == "hq_refused"
    state = sync_service.status(desk)
    assert state.state == "error" and state.offline_since is None and "refused" in state.last_error
    desk.close()


def test_counter_clock_off_is_warned_at_the_counter(hq_dsn, tmp_path, capsys, monkeypatch):
    """The batch says when the counter sent it by its own clock; an hour off is warned by `sync`
    (and flagged at head office)."""
    import datetime as dt

    store = pg.add_store(hq_dsn, "S1")
    db = tmp_path / "c.db"
    open_counter(db, "S1", "C1").close()
    credentials.save(db, store["dsn"])
    slow = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    monkeypatch.setattr(sync_service, "utc_now_text", lambda: slow)
    assert main(["sync", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "clock differs from head office's by -36" in out
    assert hq_rows(hq_dsn, "SELECT clock_flagged FROM hq.devices")[0][0] is True


def test_a_head_office_at_an_older_schema_still_takes_events(pg_server, tmp_path):
    """A head office migrated to 0001 only (no published catalogues yet): counters sync all the same."""
    dsn = pg_server.admin_dsn(pg_server.create_database())
    only_first = tmp_path / "mig"
    only_first.mkdir()
    first = pg.migration_files()[0]
    (only_first / first.path.name).write_text(first.text, encoding="utf-8")
    pg.migrate(dsn, only_first)
    with psycopg.connect(dsn, autocommit=True) as con:
        role = "rd_old_" + os.urandom(3).hex()
        con.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}'")
        con.execute(f"GRANT USAGE ON SCHEMA hq TO {role}")
        con.execute(f"GRANT EXECUTE ON FUNCTION hq.ingest(jsonb) TO {role}")
        con.execute("INSERT INTO hq.stores (code, role_name) VALUES ('S1', %s)", (role,))
    store_dsn = pg_server.dsn(role, f"pw-{role}", dsn.rsplit("/", 1)[1])
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    record_mix(desk, 2)
    res = sync_service.sync(desk, store_dsn)
    assert res.state == "synced" and res.catalogue_taken is None
    desk.close()


def test_a_return_saved_with_a_check_warning_lands_with_it(hq_dsn, tmp_path):
    """A return whose fingerprint covers its check warning (counter m013) checks at head office."""
    from returns_desk.domain.returns import ReturnDraft
    from returns_desk.services.returns_service import ReturnsService

    store = pg.add_store(hq_dsn, "S1")
    desk = open_counter(tmp_path / "c.db", "S1", "C1")
    entry = ReturnsService(desk).record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li",
                                                    amount="149", serial="AKFF1Y0E48"))
    assert entry["check_warning"]
    res = sync_service.sync(desk, store["dsn"])
    assert not res.quarantined and res.waiting == 0
    assert hq_rows(hq_dsn, "SELECT check_warning FROM hq.returns")[0][0] == entry["check_warning"]
    desk.close()
