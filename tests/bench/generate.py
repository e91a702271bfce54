"""A realistic returns database for benchmarks and paging tests, built through the storage
layer's batch path: N returns over 365 business days, 20 clerks, 4 counters, every catalogue
model that has a recall in the market, all remedies and conditions, some voids and overrides.

    .venv/bin/python -m tests.bench.generate OUT.db [--rows 1000000]

How it stays fast (about 23 s for a million rows on 2 quiet cores, was about 48 s):

* rows are made in chunks by a second thread while the main thread inserts the previous chunk
  (SQLite releases the GIL while it works, so the two overlap);
* the secondary indexes are dropped before the bulk insert and created again afterwards (one
  sort each instead of a million random B-tree inserts), from their own ``CREATE INDEX`` text,
  and the schema is checked to be identical at the end;
* UUIDs are version-4 shaped but start with a number that grows with the row id (like UUIDv7),
  so the UNIQUE index on ``uuid`` is appended to rather than split at random pages;
* the triggers that keep the running counts and the rollups (m015) are dropped as well, and
  the totals filled by one GROUP BY each at the end (``repository.fill_totals``) before the
  triggers are made again;
* while the new file is filled, the journal is off and nothing is synced; the file is switched
  back to WAL (the application's mode) and synced once at the end. A crash during generation
  leaves a file to throw away, never a real database.
"""

from __future__ import annotations

import argparse
import os
import datetime as dt
import queue
import random
import sys
import threading
import time
from pathlib import Path

from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo

CLERKS = [f"Clerk {i:02d}" for i in range(1, 21)]
COUNTERS = ["C1", "C2", "C3", "C4"]
CONDITIONS = ["intact"] * 14 + ["swollen", "leaking", "burnt", "damaged", "hot"]
CHUNK = 20_000


def _schema(conn) -> list[tuple]:
    return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def generate(path: Path, rows: int = 1_000_000, *, seed: int = 7, start: dt.date = dt.date(2025, 6, 21)) -> Desk:
    desk = Desk.open(path)
    rng = random.Random(seed)
    market = desk.settings.market
    entries = [(r, e) for r in desk.catalogue.recalls if r.applies_in(market) for e in r.models]
    models = {m.model: m for m in desk.catalogue.models}
    per_day = max(1, rows // 365)
    cols = repo.RETURN_COLUMNS + ("status", "void_reason", "void_by", "void_at")
    currency, version = desk.settings.currency, desk.catalogue.version
    # per catalogue entry: everything that does not change from row to row
    shapes = []
    for recall, entry in entries:
        shapes.append((
            entry.model, models[entry.model].brand, recall.id, recall.remedies,
            "pending" if entry.confirmation == "manufacturer" else "not_required",
            entry.rule.kind == "manufacturer_check",
            entry.rule.batches[0] if entry.rule.batches else None,
            (entry.refund_max_minor or 20_000) - 5_000 + 1,
            entry.replacement_model,
        ))
    sequence: dict[tuple[str, str], int] = {}
    rand, getrandbits = rng.random, rng.getrandbits
    n_shapes, n_cond = len(shapes), len(CONDITIONS)
    hms = [f"{1 + s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(36_000)]  # 01:00:00 .. 10:59:59 UTC
    uuid_step = max(1, (1 << 32) // max(rows, 1))

    def make_rows(lo: int, hi: int) -> list[tuple]:
        out = []
        append = out.append
        day = None
        for i in range(lo, hi):
            d = min(i // per_day, 364)
            if d != day:
                day = d
                date = start + dt.timedelta(days=d)
                day_iso, day_compact = date.isoformat(), date.strftime("%Y%m%d")
                at_prefix = day_iso + "T"
            counter = COUNTERS[i & 3]
            key = (counter, day_iso)
            seq = sequence[key] = sequence.get(key, 0) + 1
            model, brand, recall_id, remedies, confirmation, has_serial, batch_code, span, replacement = shapes[int(rand() * n_shapes)]
            remedy = remedies[int(rand() * len(remedies))]
            amount = 0 if remedy == "replacement" else 5_000 + int(rand() * span)
            at = at_prefix + hms[int(rand() * 36_000)] + ".000000Z"
            void = rand() < 0.01
            override = rand() < 0.005
            h = f"{(i * uuid_step + getrandbits(32) % uuid_step) & 0xFFFFFFFF:08x}{getrandbits(96):024x}"
            append((
                f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}",
                f"S1-{counter}-{day_compact}-{seq:04d}", at, day_iso, "Asia/Shanghai", "S1", counter,
                CLERKS[int(rand() * 20)], market, model, model, brand, recall_id, "recalled", version,
                confirmation, f"{i:016d}" if has_serial else None, batch_code, None,
                CONDITIONS[int(rand() * n_cond)], remedy, amount, currency,
                replacement if remedy == "replacement" else None, f"R{i}", "receipt", None, None,
                "receipt shows a higher price" if override else None, "Manager" if override else None, None, None,
                "void" if void else "active", "entered twice" if void else None, "Manager" if void else None,
                at if void else None,
            ))
        return out

    chunks: queue.Queue = queue.Queue(maxsize=4)
    failure: list[BaseException] = []

    def producer() -> None:
        try:
            for lo in range(0, rows, CHUNK):
                chunks.put(make_rows(lo, min(rows, lo + CHUNK)))
        except BaseException as exc:  # handed to the main thread
            failure.append(exc)
        finally:
            chunks.put(None)

    def chunk_iter():
        while (chunk := chunks.get()) is not None:
            yield from chunk

    conn = desk.conn.db.conn
    before = _schema(conn)
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'returns' AND sql IS NOT NULL"
    ).fetchall()
    # the triggers that keep the running counts and the rollups (m015) are dropped too, the
    # totals made once at the end from the returns (one GROUP BY each instead of three million
    # upserts), then the triggers made again
    totals_triggers = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({', '.join('?' for _ in repo.TOTALS_TRIGGERS)})",
        repo.TOTALS_TRIGGERS,
    ).fetchall()
    assert len(totals_triggers) == len(repo.TOTALS_TRIGGERS)
    conn.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache: index inserts stay in memory
    conn.execute("PRAGMA journal_mode = OFF")  # a fresh file being filled: nothing to recover
    conn.execute("PRAGMA synchronous = OFF")
    thread = threading.Thread(target=producer, name="generate-rows", daemon=True)
    thread.start()
    try:
        with desk.conn.write() as db:
            for name, _ in indexes:
                db.execute(f"DROP INDEX {name}")
            for name, _ in totals_triggers:
                db.execute(f"DROP TRIGGER {name}")
            repo.insert_return_tuples(db, cols, chunk_iter())
            if failure:
                raise failure[0]
            repo.set_ticket_sequences(db, [("S1", c, d, last) for (c, d), last in sequence.items()])
            for _, sql in indexes:
                db.execute(sql)
            repo.fill_totals(db)
            for _, sql in totals_triggers:
                db.execute(sql)
    finally:
        while thread.is_alive():  # let a blocked producer finish if the insert failed
            try:
                chunks.get_nowait()
            except queue.Empty:
                thread.join(0.05)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA cache_size = -2000")
    if failure:
        raise failure[0]
    after = _schema(conn)
    assert after == before, "the generator must leave the schema exactly as the migrations made it"
    return desk


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    if args.out.exists():
        print(f"{args.out} exists", file=sys.stderr)
        return 2
    # the new file's signing key lives in a home folder of its own beside it, where
    # ``tests.bench.run --db OUT.db`` finds it again
    os.environ.setdefault("RETURNS_DESK_HOME", str(args.out.with_name(args.out.name + ".home")))
    t0 = time.perf_counter()
    generate(args.out, args.rows).close()
    print(f"{args.rows:,} returns in {time.perf_counter() - t0:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
