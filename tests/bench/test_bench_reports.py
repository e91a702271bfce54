"""Benchmarks for reports and exports (PRODUCT.md quality bars). Not part of the normal run:

    .venv/bin/python -m pytest -o addopts="" tests/bench -s

They print their figures. Bars: daily report data for a day of ~2,700 returns in a 1,000,000-return
database under 20 ms, its PDF under 1 s; a year's tally export within 1.2x of the ``sqlite3``
command line doing the same GROUP BY.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from returns_desk.export.service import export_tally
from returns_desk.reports.html import render_daily_html
from returns_desk.reports.printing import render_pdf
from returns_desk.reports.service import DailyReportService
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo
from returns_desk.storage.database import copy_database

TOTAL = 1_000_000
PER_DAY = 2_700
FIRST_DAY = dt.date(2024, 7, 1)
DAYS = -(-TOTAL // PER_DAY)  # 371 days
MODELS = [("Anker", "A1642", "CN-SAMR-ANKER-2025-06-20"), ("Anker", "A1647", "CN-SAMR-ANKER-2025-06-20"),
          ("Anker", "A1257", "CN-SAMR-ANKER-2025-06-20"), ("Romoss", "PAC20-272", "CN-SZAMR-ROMOSS-2025-06-16"),
          ("Romoss", "PAC20-392", "CN-SZAMR-ROMOSS-2025-06-16"), ("Xiaomi", "PB2030MI", "CN-BJAMR-XIAOMI-2025-08-29")]
CLERKS = ["Li", "Wang", "Zhang", "Chen", "Liu", "Zhao"]


def _rows():
    rng = random.Random(7)
    for i in range(TOTAL):
        day = FIRST_DAY + dt.timedelta(days=i // PER_DAY)
        seq = i % PER_DAY + 1
        brand, model, recall = rng.choice(MODELS)
        remedy = rng.choice(("refund", "refund", "replacement", "voucher"))
        moment = dt.datetime(day.year, day.month, day.day, 1, 0, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=seq * 12)
        void = rng.random() < 0.01
        yield {
            "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "ticket": f"S1-C1-{day:%Y%m%d}-{seq:04d}",
            "recorded_at": moment.isoformat(timespec="microseconds").replace("+00:00", "Z"), "business_date": day.isoformat(),
            "time_zone": "Asia/Shanghai", "store": "S1", "counter": "C1", "clerk": rng.choice(CLERKS), "market": "CN",
            "model_input": model, "model": model, "brand": brand, "recall_id": recall, "verdict": "recalled",
            "catalogue_version": "2025.10.22-1", "confirmation": "pending" if brand == "Anker" else "not_required",
            "serial": f"SN{i:014d}", "condition": "intact" if rng.random() > 0.03 else "swollen", "remedy": remedy,
            "amount_minor": 0 if remedy == "replacement" else rng.randint(5000, 22900), "currency": "CNY",
            "status": "void" if void else "active", "void_reason": "bench" if void else None, "void_by": "M" if void else None,
            "void_at": "2025-01-01T00:00:00.000000Z" if void else None,
        }


def _cache_path():
    """Where the built million-return file is kept between runs (RETURNS_DESK_BENCH_CACHE=0
    builds afresh every time). Keyed by the schema version, so a new migration builds anew."""
    from returns_desk.storage.migrations import SCHEMA_VERSION

    setting = os.environ.get("RETURNS_DESK_BENCH_CACHE", "")
    if setting == "0":
        return None
    folder = Path(setting) if setting else Path(tempfile.gettempdir())
    return folder / f"returns-desk-bench-{TOTAL}-v{SCHEMA_VERSION}.db"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "million.db"
    cached = _cache_path()
    if cached is not None and cached.exists():
        copy_database(cached, path)
        print(f"\nreusing {cached}")
        desk = Desk.open(path)
    else:
        desk = Desk.open(path)
        t0 = time.perf_counter()
        with desk.conn.write() as db:
            repo.insert_returns_batch(db, _rows())
        print(f"\nbuilt {TOTAL:,} returns over {DAYS} days in {time.perf_counter() - t0:.1f} s")
        desk.conn.db.conn.execute("ANALYZE")
        if cached is not None:
            desk.conn.backup_to(cached)
    yield desk
    desk.close()


def _best(fn, n=7):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), result


def test_daily_report_data_and_pdf(big, tmp_path):
    svc = DailyReportService(big)
    day = FIRST_DAY + dt.timedelta(days=DAYS - 2)  # late in the year: the cumulative progress spans ~1M rows
    best, median, rep = _best(lambda: svc.x_report(day, by="bench"))
    assert rep["totals"]["returns"] + rep["totals"]["voided"] == PER_DAY
    print(f"\ndaily report data, {PER_DAY:,} returns of {TOTAL:,}: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms (bar 20 ms)")
    rows_best, rows_median, _ = _best(lambda: repo.returns_for_day(big.conn, day.isoformat(), "S1"))
    print(f"  of which the day's rows query: best {rows_best * 1000:.1f} ms, median {rows_median * 1000:.1f} ms")
    prog_best, prog_median, _ = _best(lambda: repo.recall_progress(big.conn, None, day.isoformat(), store="S1"))
    print(f"  of which the cumulative recall progress: best {prog_best * 1000:.1f} ms, median {prog_median * 1000:.1f} ms")
    html_best, _, html = _best(lambda: render_daily_html(rep, "en"), n=3)
    pdf_best, pdf_median, _ = _best(lambda: render_pdf(html, tmp_path / "day.pdf", "A4"), n=3)
    info = subprocess.run(["pdfinfo", str(tmp_path / "day.pdf")], capture_output=True, text=True).stdout
    pages = next((ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")), "?")
    print(f"daily report HTML: {html_best * 1000:.0f} ms; PDF ({pages} pages): best {pdf_best:.2f} s, median {pdf_median:.2f} s (bar 1 s)")


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 command line is not installed")
def test_year_export_against_the_sqlite3_command_line(big, tmp_path):
    start, end = FIRST_DAY, FIRST_DAY + dt.timedelta(days=364)
    sql = (
        "SELECT model AS model, remedy AS remedy, count(*) AS count, sum(amount_minor) AS amount_minor, currency "
        f"FROM returns WHERE status = 'active' AND business_date BETWEEN '{start}' AND '{end}' "
        "GROUP BY model, remedy, currency ORDER BY model, remedy, currency"
    )
    cli_best, cli_median, out = _best(
        lambda: subprocess.run(["sqlite3", "-csv", str(big.conn.path), sql], capture_output=True, text=True, check=True).stdout, n=5
    )
    ours_best, ours_median, (path, tally) = _best(
        lambda: export_tally(big, start, end, "csv", tmp_path / "year.csv", group_by=["model", "remedy"], by="bench"), n=5
    )
    assert len(tally.rows) == len(out.strip().splitlines())
    assert sum(r["count"] for r in tally.rows) == sum(int(line.split(",")[2]) for line in out.strip().splitlines())
    ratio = ours_median / cli_median
    print(f"\nyear tally export (CSV, {sum(r['count'] for r in tally.rows):,} returns): ours best {ours_best * 1000:.0f} ms, "
          f"median {ours_median * 1000:.0f} ms; sqlite3 CLI best {cli_best * 1000:.0f} ms, median {cli_median * 1000:.0f} ms; "
          f"ratio {ratio:.2f} (bar 1.2)")
    xl_best, _, _ = _best(lambda: export_tally(big, start, end, "xlsx", tmp_path / "year.xlsx", group_by=["day", "model", "remedy"], by="bench"), n=2)
    print(f"year export XLSX by day, model, remedy (with the recall progress sheet): {xl_best * 1000:.0f} ms")
