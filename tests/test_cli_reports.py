"""``returns-desk report daily`` and ``returns-desk export`` through the installed entry point."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

EXE = Path(sys.executable).with_name("returns-desk")
SERIALS = [f"AKFF1Y0E4830{i:04d}" for i in range(10)]
MGR = ("--manager", "Zhao", "--pin", "482913")


def run(*args, env=None):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, encoding="utf-8", env=full_env, timeout=120)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def db(db_path):
    """Four returns over two days by two clerks, one voided, recorded with the command line."""
    rec = [
        ("A1257", "refund", "149.00", SERIALS[1], "Li", "2025-07-01T10:00:00+08:00"),
        ("A1647", "voucher", "200.00", SERIALS[2], "Wang", "2025-07-01T11:00:00+08:00"),
        ("A1652", "refund", "99.50", SERIALS[3], "Li", "2025-07-01T12:00:00+08:00"),
        ("A1689", "refund", "120.00", SERIALS[4], "Wang", "2025-07-02T09:00:00+08:00"),
    ]
    assert run("setup", "--store", "Shop 1", "--counter", "C1", "--market", "CN", *MGR, "--db", db_path).returncode == 0
    for name, role, pin in (("Li", "clerk", "1357"), ("Wang", "clerk", "2468"), ("赵经理", "manager", "975310")):
        r = run("clerks", "add", name, "--role", role, "--pin", pin, "--manager", "Zhao", "--manager-pin", "482913", "--db", db_path)
        assert r.returncode == 0, r.stderr
    for model, remedy, amount, serial, clerk, when in rec:
        r = run("record", "--isolated", "--db", db_path, "--model", model, "--remedy", remedy, "--amount", amount, "--serial", serial, "--clerk", clerk, "--at", when)
        assert r.returncode == 0, r.stderr
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE returns SET status='void', void_reason='test', void_by='M', void_at='2025-07-01T05:00:00.000000Z' WHERE serial = ?", (SERIALS[3],))
    raw.commit()
    raw.close()
    return db_path


def test_report_daily_x_then_close_then_reprint(db, tmp_path):
    x = tmp_path / "x.pdf"
    r = run("report", "daily", "--date", "2025-07-01", "--pdf", x, "--db", db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"Report written to {x}"
    text = pdf_text(x)
    assert "X — interim" in text and "349.00" in text and "99.50" in text  # 149 + 200 active; 99.50 voided

    z = tmp_path / "z.pdf"
    r = run("--db", db, "--lang", "zh_CN", "report", "daily", "--date", "2025-07-01", "--pdf", z, "--close", "--manager", "赵经理", "--pin", "975310")
    assert r.returncode == 0, r.stderr
    assert "Z 第 1 号" in r.stdout
    ztext = pdf_text(z)
    assert "已结账 第 1 号" in ztext and "赵经理" in ztext and "每日退货报表" in ztext

    # after the close, a return on the same day goes to 2 July
    r = run("record", "--isolated", "--db", db, "--model", "A1681", "--remedy", "refund", "--amount", "10", "--serial", SERIALS[5], "--clerk", "Li",
            "--at", "2025-07-01T20:00:00+08:00")
    assert r.returncode == 0 and r.stdout.strip().startswith("S1-C1-20250702-")

    again = tmp_path / "again.pdf"
    r = run("report", "daily", "--pdf", again, "--reprint", "1", "--db", db, "--lang", "zh_CN")
    assert r.returncode == 0, r.stderr
    rtext = pdf_text(again)
    assert "重印" in rtext and "Z 第 1 号" in rtext and "349.00" in rtext and "10.00" not in rtext

    r = run("report", "daily", "--date", "2025-07-01", "--pdf", tmp_path / "z2.pdf", "--close", *MGR, "--db", db)
    assert r.returncode == 2 and "already closed" in r.stderr and "Traceback" not in r.stderr
    actions = [a for (a,) in sqlite3.connect(db).execute("SELECT action FROM audit WHERE action IN ('day_closed', 'report_printed') ORDER BY id")]
    assert actions == ["report_printed", "day_closed", "report_printed", "report_printed"]


@pytest.mark.parametrize("who", [
    ("--manager", "Nobody", "--pin", "482913"),  # not a person
    ("--manager", "Li", "--pin", "1357"),  # a clerk
    ("--manager", "Zhao", "--pin", "111111"),  # a wrong PIN
    ("--manager", "Zhao"),  # no PIN
    (),  # nobody
])
def test_only_a_manager_with_their_pin_closes_the_day_or_exports(db, tmp_path, who):
    z = tmp_path / "z.pdf"
    r = run("report", "daily", "--date", "2025-07-01", "--pdf", z, "--close", *who, "--db", db)
    assert r.returncode == 2 and r.stderr.strip() and "Traceback" not in r.stderr, r.stderr
    assert not z.exists() and sqlite3.connect(db).execute("SELECT count(*) FROM closures").fetchone()[0] == 0
    out = tmp_path / "t.csv"
    r = run("export", "--from", "2025-07-01", "--to", "2025-07-31", "--format", "csv", "--out", out, *who, "--db", db)
    assert r.returncode == 2 and not out.exists(), r.stderr
    if not who or len(who) == 2:
        assert "--manager NAME --pin PIN" in r.stderr


def test_report_default_date_is_today_in_the_store_zone(db, tmp_path):
    out = tmp_path / "today.pdf"
    r = run("report", "daily", "--pdf", out, "--counter", "C1", "--db", db)
    assert r.returncode == 0, r.stderr
    import datetime as dt
    from zoneinfo import ZoneInfo

    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert today in pdf_text(out)


@pytest.mark.parametrize("group_by, header", [
    (None, ["model", "remedy", "count", "amount", "currency"]),
    ("day,clerk", ["day", "clerk", "count", "amount", "currency"]),
    ("remedy,model,day,clerk", ["remedy", "model", "day", "clerk", "count", "amount", "currency"]),
])
def test_export_csv_xlsx_pdf(db, tmp_path, group_by, header):
    extra = ["--group-by", group_by] if group_by else []
    outs = {}
    for fmt in ("csv", "xlsx", "pdf"):
        out = tmp_path / f"t.{fmt}"
        r = run("export", "--from", "2025-07-01", "--to", "2025-07-31", "--format", fmt, "--out", out, *extra, *MGR, "--db", db)
        assert r.returncode == 0, r.stderr
        outs[fmt] = out
    rows = list(csv.reader(outs["csv"].read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == header
    n = len(header) - 3
    assert sum(int(r[n]) for r in rows[1:]) == 3
    assert sum(int(r[n + 1].replace(".", "")) for r in rows[1:]) == 14900 + 20000 + 12000
    xrows = list(openpyxl.load_workbook(outs["xlsx"])["Tally"].iter_rows(values_only=True))
    assert list(xrows[0]) == [h.capitalize() for h in header] and len(xrows) == len(rows) + 1  # in words; + totals row
    assert xrows[-1][n] == 3 and round(xrows[-1][n + 1] * 100) == 46900
    assert "469.00" in pdf_text(outs["pdf"])


@pytest.mark.parametrize("args", [
    ["report"],
    ["report", "daily"],  # --pdf is required
    ["report", "daily", "--pdf", "x.pdf", "--date", "2025-02-30"],
    ["report", "daily", "--pdf", "x.pdf", "--close"],  # no manager
    ["report", "daily", "--pdf", "x.pdf", "--reprint", "0"],
    ["report", "daily", "--pdf", "x.pdf", "--page-size", "A3"],
    ["export", "--from", "2025-07-01", "--to", "2025-07-31", "--format", "csv"],
    ["export", "--from", "2025-07-01", "--to", "2025-07-31", "--format", "ods", "--out", "x.ods"],
    ["export", "--from", "2025-07-31", "--to", "2025-07-01", "--format", "csv", "--out", "x.csv"],
    ["export", "--from", "2025-07-01", "--to", "2025-07-31", "--format", "csv", "--out", "x.csv", "--group-by", "model,price"],
    ["export", "--from", "2025-07-01", "--to", "2025-07-31", "--format", "csv", "--out", "x.csv", "--group-by", "model,model"],
    ["report", "daily", "--pdf", "x.pdf", "--reprint", "7"],  # no such Z
])
def test_bad_arguments_exit_2_with_a_message(db_path, tmp_path, args):
    r = subprocess.run([str(EXE), *args, "--db", str(db_path)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert r.stderr.strip() and "Traceback" not in r.stderr and r.stdout == ""
    assert not list(tmp_path.glob("x.*"))


def test_storage_and_write_errors_exit_1_with_one_line(db, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)
    r = run("report", "daily", "--pdf", tmp_path / "x.pdf", "--db", bad)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = run("export", "--from", "2025-07-01", "--to", "2025-07-31", "--format", "xlsx", "--out", tmp_path / "no" / "t.xlsx", "--db", bad)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    for cmd in (["report", "daily", "--pdf", tmp_path / "no" / "x.pdf"],
                ["export", "--from", "2025-07-01", "--to", "2025-07-31", "--format", "csv", "--out", tmp_path / "no" / "t.csv", *MGR]):
        r = run(*cmd, "--db", db)
        assert r.returncode == 1, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Cannot write" in r.stderr and "Traceback" not in r.stderr


def test_db_and_lang_before_or_after_the_command(db, tmp_path):
    a = run("--db", db, "--lang", "zh_CN", "export", "--from", "2025-07-01", "--to", "2025-07-01", "--format", "csv", "--out", tmp_path / "a.csv", *MGR)
    b = run("export", "--from", "2025-07-01", "--to", "2025-07-01", "--format", "csv", "--out", tmp_path / "b.csv", *MGR, "--db", db, "--lang", "zh_CN")
    assert a.returncode == b.returncode == 0, a.stderr + b.stderr
    assert "导出文件已写入" in a.stdout and "导出文件已写入" in b.stdout
    # CSV column names stay English whatever the language
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()[0] == "model,remedy,count,amount,currency"
    events = sqlite3.connect(db).execute("SELECT details FROM audit WHERE action = 'tally_exported'").fetchall()
    assert len(events) == 2 and json.loads(events[0][0])["format"] == "csv"
