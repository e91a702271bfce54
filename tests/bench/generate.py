"""A realistic returns database for benchmarks and paging tests, built through the storage
layer's batch path: N returns over 365 business days, 20 clerks, 4 counters, every catalogue
model that has a recall in the market, all remedies and conditions, some voids and overrides.

    .venv/bin/python -m tests.bench.generate OUT.db [--rows 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo

CLERKS = [f"Clerk {i:02d}" for i in range(1, 21)]
COUNTERS = ["C1", "C2", "C3", "C4"]
CONDITIONS = ["intact"] * 14 + ["swollen", "leaking", "burnt", "damaged", "hot"]


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
            recall, entry, models[entry.model].brand,
            "pending" if entry.confirmation == "manufacturer" else "not_required",
            entry.rule.kind == "manufacturer_check",
            entry.rule.batches[0] if entry.rule.batches else None,
            entry.refund_max_minor or 20_000,
        ))
    sequence: dict[tuple[str, str], int] = {}
    rand, randrange = rng.random, rng.randrange
    n_shapes, n_cond = len(shapes), len(CONDITIONS)

    def rows_iter():
        day = None
        for i in range(rows):
            d = start + dt.timedelta(days=min(i // per_day, 364))
            if d != day:
                day, day_iso, day_compact = d, d.isoformat(), d.strftime("%Y%m%d")
                base = dt.datetime(d.year, d.month, d.day, 1, 0, tzinfo=dt.timezone.utc)
            counter = COUNTERS[i & 3]
            key = (counter, day_iso)
            seq = sequence[key] = sequence.get(key, 0) + 1
            recall, entry, brand, confirmation, has_serial, batch_code, top = shapes[randrange(n_shapes)]
            remedy = recall.remedies[randrange(len(recall.remedies))]
            amount = 0 if remedy == "replacement" else randrange(5_000, top + 1)
            at = (base + dt.timedelta(seconds=randrange(36_000))).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
            void = rand() < 0.01
            override = rand() < 0.005
            h = f"{rng.getrandbits(128):032x}"
            yield (
                f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}",
                f"S1-{counter}-{day_compact}-{seq:04d}", at, day_iso, "Asia/Shanghai", "S1", counter,
                CLERKS[randrange(20)], market, entry.model, entry.model, brand, recall.id, "recalled", version,
                confirmation, f"{i:016d}" if has_serial else None, batch_code, None,
                CONDITIONS[randrange(n_cond)], remedy, amount, currency,
                entry.replacement_model if remedy == "replacement" else None, f"R{i}", "receipt", None, None,
                "receipt shows a higher price" if override else None, "Manager" if override else None, None, None,
                "void" if void else "active", "entered twice" if void else None, "Manager" if void else None,
                at if void else None,
            )

    desk.conn.db.conn.execute("PRAGMA cache_size = -1000000")  # 1 GB page cache: random index inserts stay in memory
    with desk.conn.write() as db:
        repo.insert_return_tuples(db, cols, rows_iter())
        repo.set_ticket_sequences(db, [("S1", c, d, last) for (c, d), last in sequence.items()])
    return desk


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    if args.out.exists():
        print(f"{args.out} exists", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    generate(args.out, args.rows).close()
    print(f"{args.rows:,} returns in {time.perf_counter() - t0:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
