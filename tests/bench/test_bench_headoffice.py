"""Head-office benchmarks on a throwaway PostgreSQL (not part of the normal run):

    .venv/bin/python -m pytest -o addopts="" tests/bench/test_bench_headoffice.py -s

* backfill: a counter file of ``RETURNS_DESK_BENCH_HQ_ROWS`` returns (default 100,000; the issue's
  bar is stated for 1,000,000) pushed by ``sync`` into an empty head office, beside psycopg ``COPY``
  of the same rows (the events as head office stores them, and the returns) into tables of the
  same shape and indexes, in the same run. Target: sync within 2x of COPY.
* 50 counters with 2,000 returns each pushing at once: throughput and the p99 latency of one batch.

Each counter file is made by the benchmark generator (tests/bench/generate.py) plus one
``return_recorded`` audit event per return, chained and fingerprinted exactly as ``record`` does.
"""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from returns_desk.domain.integrity import as_recorded, event_hash, row_digest
from returns_desk.headoffice import pg
from returns_desk.services import sync_service
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo
from tests.bench.generate import generate

ROWS = int(os.environ.get("RETURNS_DESK_BENCH_HQ_ROWS", "100000"))


def counter_file(path: Path, rows: int, *, seed: int = 7) -> Path:
    """A counter database of ``rows`` returns, each with its recording event in the chain."""
    generate(path, rows, seed=seed).close()
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA synchronous = OFF")
        last = con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        event_id, prev = (last[0], last[1]) if last else (0, None)
        cur = con.execute(f"SELECT {', '.join(repo.RETURN_COLUMNS)} FROM returns ORDER BY id")
        events = []
        for values in cur:
            row = dict(zip(repo.RETURN_COLUMNS, values))
            event_id += 1
            details = json.dumps({"ticket": row["ticket"], "remedy": row["remedy"], "amount_minor": row["amount_minor"],
                                  "row_sha256": row_digest(as_recorded(row, repo.RETURN_COLUMNS), repo.RETURN_COLUMNS)},
                                 ensure_ascii=False, sort_keys=True)
            digest = event_hash(event_id, row["recorded_at"], row["clerk"], "return_recorded", "return", row["uuid"], details, prev)
            events.append((event_id, row["recorded_at"], row["clerk"], "return_recorded", "return", row["uuid"], details, prev, digest,
                           str(uuid.uuid4())))
            prev = digest
        con.executemany("INSERT INTO audit (id, at, actor, action, entity, entity_id, details, prev_hash, hash, uuid) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
        con.commit()
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def server():
    from tests.hq_support import start_server

    yield from start_server()


def fresh_head_office(server) -> str:  # type: ignore[no-untyped-def]
    dsn = server.admin_dsn(server.create_database())
    pg.migrate(dsn)
    return dsn


def test_backfill_against_copy(server, tmp_path):
    path = counter_file(tmp_path / "counter.db", ROWS)
    desk = Desk.open(path)
    events = repo.last_event_seq(desk.conn)
    # the baseline: COPY of the same rows (events with their payload, returns with theirs) into
    # tables of head office's shape and indexes
    dsn = fresh_head_office(server)
    device = repo.device_id(desk.conn)
    ev_cols = ["store", "uuid", "device_id", "seq", "at", "actor", "action", "entity", "entity_id", "details", "prev_hash", "hash", "payload"]
    ret_cols = ["store", "uuid", "device_id", *[c for c in repo.RETURN_COLUMNS if c not in ("uuid", "store")], "status", "row_data"]

    def batches():  # type: ignore[no-untyped-def]
        after = 0
        while chunk := repo.events_after(desk.conn, after, 2000):
            yield sync_service._batch(desk, device, chunk)
            after = chunk[-1]["id"]

    with psycopg.connect(dsn, autocommit=True) as con:
        con.execute("CREATE TABLE public.copy_events (LIKE hq.events INCLUDING ALL)")
        con.execute("CREATE TABLE public.copy_returns (LIKE hq.returns INCLUDING ALL)")
        start = time.perf_counter()  # read from the counter file and written, as sync does
        with con.transaction():
            cur_e, cur_r = con.cursor(), con.cursor()
            for b in batches():
                with cur_e.copy(f"COPY public.copy_events ({', '.join(ev_cols)}) FROM STDIN") as cp:
                    for e in b["events"]:
                        payload = {k: v for k, v in e.items() if k != "return"}
                        cp.write_row(["S1", e["uuid"], device, e["id"], e["at"], e["actor"], e["action"], e["entity"],
                                      e["entity_id"], e["details"], e["prev_hash"], e["hash"], json.dumps(payload, ensure_ascii=False)])
                with cur_r.copy(f"COPY public.copy_returns ({', '.join(ret_cols)}) FROM STDIN") as cp:
                    for e in b["events"]:
                        r = e.get("return")
                        if r is not None:
                            cp.write_row(["S1", r["uuid"], device, *[r[c] for c in repo.RETURN_COLUMNS if c not in ("uuid", "store")],
                                          "active", json.dumps(r, ensure_ascii=False)])
        copy_s = time.perf_counter() - start
        copied = con.execute("SELECT count(*) FROM public.copy_events").fetchone()[0]
    assert copied == events
    # the figure: sync into an empty head office (batches made, sent, checked, stored)
    dsn = fresh_head_office(server)
    store = pg.add_store(dsn, "S1")
    start = time.perf_counter()
    res = sync_service.sync(desk, store["dsn"], batch_size=2000)
    sync_s = time.perf_counter() - start
    assert res.state == "synced" and res.accepted == events
    desk.close()
    ratio = sync_s / copy_s
    print(f"\nbackfill of {ROWS:,} returns ({events:,} events): sync {sync_s:.1f} s ({events / sync_s:,.0f} events/s); "
          f"COPY of the same rows {copy_s:.1f} s; ratio {ratio:.2f}x (target <= 2x) {'met' if ratio <= 2 else 'MISSED'}")


def test_fifty_counters_at_once(server, tmp_path):
    counters, per_counter = 50, 2000
    dsn = fresh_head_office(server)
    store = pg.add_store(dsn, "S1")
    paths = [counter_file(tmp_path / f"c{i}.db", per_counter, seed=100 + i) for i in range(counters)]
    latencies: list[float] = []
    lock = threading.Lock()
    original = pg.ingest

    def timed(conn, batch):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        out = original(conn, batch)
        with lock:
            latencies.append(time.perf_counter() - t0)
        return out

    pg.ingest = timed  # type: ignore[assignment]
    errors: list[BaseException] = []
    totals = []

    def push(p: Path) -> None:
        try:
            with Desk.open(p) as desk:
                totals.append(sync_service.sync(desk, store["dsn"], batch_size=500).accepted)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=push, args=(p,)) for p in paths]
    start = time.perf_counter()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        pg.ingest = original  # type: ignore[assignment]
    wall = time.perf_counter() - start
    assert not errors, errors[:3]
    events = sum(totals)
    with psycopg.connect(dsn) as con:
        held = con.execute("SELECT count(*) FROM hq.events").fetchone()[0]
    assert held == events
    lat = sorted(latencies)
    p99 = lat[int(0.99 * (len(lat) - 1))]
    print(f"\n{counters} counters x {per_counter:,} returns at once: {events:,} events in {wall:.1f} s "
          f"({events / wall:,.0f} events/s); batch of 500: median {statistics.median(lat) * 1000:.0f} ms, "
          f"p99 {p99 * 1000:.0f} ms ({len(lat)} batches)")


REPORT_ROWS = int(os.environ.get("RETURNS_DESK_BENCH_HQ_REPORT_ROWS", "10000000"))
REPORT_STORES = 10


def test_store_report_over_many_returns(server):
    """The store's daily report data at head office (``store_daily_report_on``: the day's rows,
    the cumulative progress, the counters' arrival, the report built) over ``REPORT_ROWS`` returns
    of 10 stores (about 2,700 per store and day, as the counter benchmark's busiest days), beside a
    plain indexed SELECT of that store-day's rows on the same connection, taking turns. Target: 3x."""
    import datetime as dt

    from returns_desk.reports.daily import ROW_COLUMNS
    from returns_desk.reports.hq_report import store_daily_report_on

    dsn = fresh_head_office(server)
    per_day = 2700 * REPORT_STORES
    start = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as con:
        for i in range(REPORT_STORES):
            con.execute("INSERT INTO hq.stores (code, role_name) VALUES (%s, %s)", (f"S{i}", f"bench_{uuid.uuid4().hex[:8]}"))
            for c in range(4):
                con.execute("INSERT INTO hq.devices (store, device_id, counter, acked_seq) VALUES (%s, %s, %s, 1)",
                            (f"S{i}", str(uuid.UUID(int=i * 16 + c)), f"C{c}"))
        chunk = 1_000_000
        for lo in range(0, REPORT_ROWS, chunk):
            hi = min(REPORT_ROWS, lo + chunk)
            con.execute(f"""
                INSERT INTO hq.returns (store, uuid, device_id, ticket, recorded_at, business_date, time_zone, counter, clerk, market,
                    model_input, model, brand, recall_id, verdict, catalogue_version, confirmation, serial, condition, remedy,
                    amount_minor, currency, status, void_reason, void_by, void_at, row_data)
                SELECT 'S' || (i % {REPORT_STORES}), gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad(to_hex((i % {REPORT_STORES}) * 16 + (i / {REPORT_STORES}) % 4), 12, '0'))::uuid,
                       'S' || (i % {REPORT_STORES}) || '-C' || ((i / {REPORT_STORES}) % 4) || '-' || i,
                       to_char(timestamp '2024-07-01 01:00' + ((i / {per_day}) || ' days')::interval + ((i % {per_day}) * 1.2 || ' seconds')::interval,
                               'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                       date '2024-07-01' + (i / {per_day}), 'Asia/Shanghai', 'C' || ((i / {REPORT_STORES}) % 4), 'Clerk ' || (i % 20), 'CN',
                       m.model, m.model, m.brand, m.recall, 'recalled', '2025.10.22-1',
                       CASE WHEN m.brand = 'Anker' THEN (ARRAY['pending', 'confirmed', 'rejected'])[1 + i % 3] ELSE 'not_required' END,
                       'AKFF1Y0E' || lpad((i % 100000000)::text, 8, '0'), (ARRAY['intact', 'intact', 'intact', 'swollen'])[1 + i % 4],
                       (ARRAY['refund', 'refund', 'replacement', 'voucher'])[1 + i % 4], 14900 + (i % 7) * 1000, 'CNY',
                       CASE WHEN i % 97 = 0 THEN 'void' ELSE 'active' END,
                       CASE WHEN i % 97 = 0 THEN 'entered twice' END, CASE WHEN i % 97 = 0 THEN 'Boss' END, NULL, '{{}}'::jsonb
                FROM generate_series({lo}, {hi - 1}) AS i
                CROSS JOIN LATERAL (SELECT * FROM (VALUES
                    (0, 'A1257', 'Anker', 'CN-SAMR-ANKER-2025-06-20'), (1, 'A1647', 'Anker', 'CN-SAMR-ANKER-2025-06-20'),
                    (2, 'PAC20-272', 'Romoss', 'CN-SZAMR-ROMOSS-2025-06-16'), (3, 'A1652', 'Anker', 'CN-SAMR-ANKER-2025-06-20'))
                    AS v (k, model, brand, recall) WHERE v.k = i % 4) AS m
            """)
        con.execute("VACUUM ANALYZE hq.returns")
        con.execute("VACUUM ANALYZE hq.return_counts")
    built = time.perf_counter() - start
    days = REPORT_ROWS // per_day
    day = dt.date(2024, 7, 1) + dt.timedelta(days=days // 2)
    store = "S3"
    cols = ", ".join(ROW_COLUMNS)
    figure, baseline = [], []
    with psycopg.connect(dsn, autocommit=True) as con:
        report = store_daily_report_on(con, store, day, by="bench")  # warm-up
        rows = con.execute(f"SELECT {cols} FROM hq.returns WHERE store = %s AND business_date = %s ORDER BY recorded_at",
                           (store, day)).fetchall()
        assert len(report["entries"]) + len(report["voided"]) == len(rows) > 2000
        for _ in range(7):
            t0 = time.perf_counter()
            con.execute(f"SELECT {cols} FROM hq.returns WHERE store = %s AND business_date = %s ORDER BY recorded_at",
                        (store, day)).fetchall()
            baseline.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store_daily_report_on(con, store, day, by="bench")
            figure.append(time.perf_counter() - t0)
    f, b = statistics.median(figure), statistics.median(baseline)
    print(f"\nstore report data over {REPORT_ROWS:,} returns ({len(rows):,} that store-day; built in {built:.0f} s): "
          f"{f * 1000:.1f} ms; plain indexed SELECT of the store-day's rows {b * 1000:.1f} ms; ratio {f / b:.2f}x "
          f"(target <= 3x) {'met' if f / b <= 3 else 'MISSED'}")
