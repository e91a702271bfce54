"""Head office under load and faults, on real PostgreSQL servers: three counters recording and
syncing at once; a sync process killed with SIGKILL at random points (50 times); the server
stopped and started during a sync; a counter offline for a day catching up. After each: every
event held exactly once, the chains check, the store's figures are its counters' figures."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from returns_desk.domain.errors import RefusedError
from returns_desk.domain.integrity import event_hash
from returns_desk.headoffice import pg
from returns_desk.headoffice.errors import HeadOfficeError
from returns_desk.reports.hq_report import store_daily_report
from returns_desk.reports.service import DailyReportService
from returns_desk.services import sync_service
from returns_desk.services.desk import Desk
from returns_desk.services.verify_service import verify
from returns_desk.storage import repository as repo
from tests.hq_support import DAY, hq_rows, open_counter, record_mix, start_server

ROOT = Path(__file__).resolve().parent.parent


def assert_held_exactly_once(admin_dsn: str, store: str, desks: list[Desk]) -> None:
    """Head office holds each counter's events once, in chain order, linked and hashed right,
    and each return once."""
    total_returns = 0
    for desk in desks:
        device = repo.device_id(desk.conn)
        local = repo.events_after(desk.conn, 0, 1_000_000)
        held = hq_rows(admin_dsn, "SELECT seq, uuid::text, at, actor, action, entity, entity_id, details, prev_hash, hash "
                                  "FROM hq.events WHERE store = %s AND device_id = %s ORDER BY seq", (store, device))
        assert [h[0] for h in held] == [e["id"] for e in local]
        assert [h[1] for h in held] == [e["uuid"] for e in local]
        prev = None
        for seq, _, at, actor, action, entity, entity_id, details, prev_hash, digest in held:
            assert prev_hash == prev and digest == event_hash(seq, at, actor, action, entity, entity_id, details, prev_hash)
            prev = digest
        assert verify(desk).ok
        total_returns += desk.conn.read("SELECT count(*) AS n FROM returns")[0]["n"]
    assert hq_rows(admin_dsn, "SELECT count(*), count(DISTINCT uuid) FROM hq.returns WHERE store = %s", (store,))[0] == (total_returns, total_returns)
    assert hq_rows(admin_dsn, "SELECT count(*) FROM hq.quarantine")[0][0] == 0
    assert hq_rows(admin_dsn, "SELECT count(*) FROM hq.events WHERE store = %s", (store,))[0][0] == sum(
        repo.last_event_seq(d.conn) for d in desks)


def summed(values: list) -> object:
    """The sum of the same figure from several reports (numbers, or amounts per currency)."""
    if isinstance(values[0], dict):
        out: dict = {}
        for v in values:
            for k, n in v.items():
                out[k] = out.get(k, 0) + n
        return out
    return sum(values)


def test_three_counters_record_and_sync_at_once(hq_dsn, tmp_path):
    store = pg.add_store(hq_dsn, "S1")
    paths = [tmp_path / f"counter{i}.db" for i in (1, 2, 3)]
    for i, p in enumerate(paths, 1):
        open_counter(p, "S1", f"C{i}").close()
    errors: list[BaseException] = []
    recording = {p: True for p in paths}

    def recorder(path: Path, tag: int) -> None:
        try:
            with Desk.open(path) as desk:
                for chunk in range(6):
                    record_mix(desk, 5, tag=tag * 10 + chunk, void_every=4)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            recording[path] = False

    def syncer(path: Path) -> None:
        try:
            with Desk.open(path) as desk:
                while recording[path]:
                    try:
                        sync_service.sync(desk, store["dsn"], batch_size=7, lock_wait=0)
                    except RefusedError as exc:  # the other sync loop of this database holds the lock
                        assert exc.key == "sync_busy"
                    time.sleep(0.01)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=recorder, args=(p, i)) for i, p in enumerate(paths)]
    threads += [threading.Thread(target=syncer, args=(p,)) for p in paths for _ in range(2)]  # two loops per database
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    desks = [Desk.open(p) for p in paths]
    try:
        # counter work that is not a return: a hot unit's stopped return, an enquiry
        from returns_desk.domain.auth import Actor
        from returns_desk.services.incident_service import IncidentService

        at = dt.datetime.fromisoformat(DAY + "T15:00:00+08:00")
        IncidentService(desks[0]).record(kind="hazard", action="fire_procedure", model_input="A1257", condition="hot",
                                         notes="smoke from the port", actor=Actor("Li Na", "clerk"), at=at)
        IncidentService(desks[1]).record(kind="enquiry", action="customer_told", model_input="PAC20-272", condition=None,
                                         notes=None, actor=Actor("Wang Wei", "clerk"), at=at)
        for d in desks:
            assert sync_service.sync(d, store["dsn"]).state == "synced"
        assert_held_exactly_once(hq_dsn, "S1", desks)
        # the store's report at head office = the three counters' own reports, figure by figure
        day = dt.date.fromisoformat(DAY)
        own = [DailyReportService(d).x_report(day, by="test") for d in desks]
        hq = store_daily_report(hq_dsn, "S1", day, by="test")
        assert hq["totals"]["returns"] == 3 * (30 - 6) and hq["totals"]["voided"] == 3 * 6  # voided entries are listed apart
        for key, value in hq["totals"].items():
            assert value == summed([r["totals"][key] for r in own]), key
        hq_recall = {(g["recall_id"], g["model"]): g for g in hq["by_recall"]}
        for key in hq_recall:
            for figure in ("units", "refund", "replacement", "voucher", "pending", "hazardous", "value"):
                parts = [g[figure] for r in own for g in r["by_recall"] if (g["recall_id"], g["model"]) == key]
                assert hq_recall[key][figure] == summed(parts), (key, figure)
        assert sorted(e["ticket"] for e in hq["entries"]) == sorted(e["ticket"] for r in own for e in r["entries"])
        assert hq["enquiries"] == sum(r["enquiries"] for r in own) == 1
        assert [(s["counter"], s["notes"]) for s in hq["stopped"]] == [(s["counter"], s["notes"]) for r in own for s in r["stopped"]]
        assert len(hq["stopped"]) == 1
        assert [(c["counter"], c["returns"], c["voided"]) for c in hq["by_counter"]] == [
            (r["counters"][0], r["totals"]["returns"], r["totals"]["voided"]) for r in own]
        assert all(c["latest_return_at"] and c["last_seen"] for c in hq["by_counter"])
    finally:
        for d in desks:
            d.close()


@pytest.mark.slow
def _fail_ingest_with_deadlock(admin_dsn: str, times: int) -> None:
    """PostgreSQL itself raises deadlock_detected (40P01) in the next ``times`` statements that
    insert returns at head office (a trigger; the count is a sequence, which a rollback keeps)."""
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as con:
        con.execute("CREATE SEQUENCE public.tries")
        con.execute("GRANT USAGE ON SEQUENCE public.tries TO PUBLIC")
        con.execute(f"""CREATE FUNCTION public.deadlock() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('public.tries') <= {int(times)} THEN
                    RAISE EXCEPTION 'deadlock detected (raised by the test)' USING ERRCODE = '40P01';
                END IF;
                RETURN NULL;
            END $$""")
        con.execute("CREATE TRIGGER deadlock AFTER INSERT ON hq.returns FOR EACH STATEMENT EXECUTE FUNCTION public.deadlock()")


def test_a_batch_undone_for_a_deadlock_is_sent_again(hq_dsn, tmp_path):
    """Two counters of a store landing batches at once can deadlock over the store's running
    counts; PostgreSQL then undoes one batch whole. The counter sends it again and it lands once."""
    store = pg.add_store(hq_dsn, "S1")
    path = tmp_path / "counter.db"
    open_counter(path, "S1", "C1").close()
    _fail_ingest_with_deadlock(hq_dsn, times=pg.INGEST_ATTEMPTS - 1)
    with Desk.open(path) as desk:
        record_mix(desk, 8, tag=1, void_every=3)
        assert sync_service.sync(desk, store["dsn"]).state == "synced"
        assert_held_exactly_once(hq_dsn, "S1", [desk])
    assert hq_rows(hq_dsn, "SELECT last_value FROM public.tries")[0][0] > pg.INGEST_ATTEMPTS - 1


def test_a_batch_that_keeps_deadlocking_lands_nothing_and_says_so(hq_dsn, tmp_path):
    store = pg.add_store(hq_dsn, "S1")
    path = tmp_path / "counter.db"
    open_counter(path, "S1", "C1").close()
    with Desk.open(path) as desk:
        record_mix(desk, 4, tag=2)
        _fail_ingest_with_deadlock(hq_dsn, times=1000)
        with pytest.raises(HeadOfficeError) as caught:
            sync_service.sync(desk, store["dsn"])
        assert caught.value.key == "hq_busy" and "deadlock" in str(caught.value)
        assert sync_service.status(desk).state != "offline"  # head office answered: busy, not unreachable
        assert sync_service.status(desk).waiting == repo.last_event_seq(desk.conn)  # nothing acknowledged
    assert hq_rows(hq_dsn, "SELECT count(*) FROM hq.returns")[0][0] == 0


def test_sync_killed_at_random_points(hq_dsn, tmp_path):
    """50 sync processes killed with SIGKILL at a random moment while they push in small batches;
    the counter keeps recording between them. Then one sync to the end: nothing lost, nothing twice."""
    store = pg.add_store(hq_dsn, "S1")
    db = tmp_path / "counter.db"
    desk = open_counter(db, "S1", "C1")
    rng = random.Random(1306)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed_mid_way = 0
    started = time.monotonic()
    for round_ in range(50):
        record_mix(desk, 3, tag=round_, day=(dt.date(2025, 7, 1) + dt.timedelta(days=round_)).isoformat())
        child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "hq_sync_child.py"), str(db), store["dsn"], "2"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.06))
        child.send_signal(signal.SIGKILL)
        child.wait(30)
        rest = child.stdout.read()
        child.stdout.close()
        child.stderr.close()  # type: ignore[union-attr]
        if "done" not in rest:
            killed_mid_way += 1
    elapsed = time.monotonic() - started
    assert killed_mid_way >= 25, f"only {killed_mid_way} of 50 kills landed during a sync"
    assert elapsed < 120
    res = sync_service.sync(desk, store["dsn"])
    assert res.state == "synced" and res.waiting == 0
    assert_held_exactly_once(hq_dsn, "S1", [desk])
    desk.close()


def test_server_stopped_during_sync_then_offline_for_a_day(tmp_path):
    """PostgreSQL stops (immediate shutdown) in the middle of a sync: the counter records the
    error and goes on recording offline (the next day's returns too); when the server is back the
    next sync sends everything, once."""
    server_gen = start_server()
    server = next(server_gen)
    try:
        dsn = server.admin_dsn(server.create_database())
        pg.migrate(dsn)
        store = pg.add_store(dsn, "S1")
        db = tmp_path / "counter.db"
        desk = open_counter(db, "S1", "C1")
        record_mix(desk, 150)
        failure: list[BaseException] = []

        def push() -> None:
            with Desk.open(db) as d:
                try:
                    sync_service.sync(d, store["dsn"], batch_size=2)
                except HeadOfficeError as exc:
                    failure.append(exc)

        worker = threading.Thread(target=push)
        worker.start()
        assert wait_for(lambda: sync_service.status(desk).acked_seq > 10, 60)
        server.stop()
        worker.join(60)
        assert failure and failure[0].key in ("hq_unreachable", "hq_refused")  # type: ignore[attr-defined]
        state = sync_service.status(desk)
        assert 10 < state.acked_seq < repo.last_event_seq(desk.conn) and state.last_error
        # offline: the next day's returns are recorded; sync says offline and since when
        record_mix(desk, 20, tag=7, day="2025-07-02")
        with pytest.raises(HeadOfficeError) as err:
            sync_service.sync(desk, store["dsn"])
        assert err.value.key == "hq_unreachable"
        state = sync_service.status(desk)
        assert state.offline_since and state.waiting > 20
        server.start()
        res = sync_service.sync(desk, store["dsn"])
        assert res.state == "synced" and res.waiting == 0 and res.offline_since is None and res.last_error is None
        assert_held_exactly_once(dsn, "S1", [desk])
        assert hq_rows(dsn, "SELECT count(*) FROM hq.returns WHERE business_date = '2025-07-02'")[0][0] == 20
        desk.close()
    finally:
        server_gen.close()


def wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False
