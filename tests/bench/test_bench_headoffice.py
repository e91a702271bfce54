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
