"""Issue 17 (reports): reports name the person who printed them, never the program; the
Overrides table says each entry's status; XLSX headers are in the chosen language while the
CSV keeps its English column names."""

from __future__ import annotations

import csv
import os
import pwd
import sqlite3

import openpyxl
import pytest

from tests.test_cli_reports import pdf_text, run

SERIAL = "AKFF1Y0E48301745"


MANAGER = ("--manager", "Zhao", "--pin", "482913")


@pytest.fixture
def db(db_path):
    """Three returns on 1 July 2025, two of them overridden (amount above the bound), one of
    those voided; recorded with the command line."""
    assert run("setup", "--store", "Shop 1", "--counter", "C1", "--market", "CN", *MANAGER, "--db", db_path).returncode == 0
    r = run("clerks", "add", "Li", "--role", "clerk", "--pin", "1357", "--manager", "Zhao", "--manager-pin", "482913", "--db", db_path)
    assert r.returncode == 0, r.stderr
    for serial, amount, override in ((SERIAL, "300.00", "bundle price on receipt"), ("AKFF1Y0E48301746", "149.00", None),
                                     ("AKFF1Y0E48301747", "250.00", "receipt shows 250")):
        extra = ["--override", override] if override else []
        r = run("record", "--isolated", "--db", db_path, "--model", "A1257", "--remedy", "refund", "--amount", amount, "--serial", serial,
                "--clerk", "Li", "--at", "2025-07-01T10:00:00+08:00", *extra)
        assert r.returncode == 0, r.stderr
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE returns SET status='void', void_reason='keyed twice', void_by='M', void_at='2025-07-01T05:00:00.000000Z' "
                "WHERE serial = 'AKFF1Y0E48301747'")
    raw.commit()
    raw.close()
    return db_path


def without_login_names():
    return {k: v for k, v in os.environ.items() if k not in ("USER", "LOGNAME", "USERNAME", "LNAME")}


def run_bare(*args):
    """The command as a service or a container runs it: no USER, LOGNAME or USERNAME set."""
    import subprocess

    from tests.test_cli_reports import EXE

    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, encoding="utf-8",
                          env=without_login_names(), timeout=120)


# --- 15. reports name the person -----------------------------------------------------------


def test_a_report_names_the_manager_who_prints_it(db, tmp_path):
    out = tmp_path / "x.pdf"
    r = run_bare("--lang", "zh_CN", "report", "daily", "--date", "2025-07-01", "--pdf", out, "--db", db, "--manager", "赵经理")
    assert r.returncode == 0, r.stderr
    text = pdf_text(out)
    assert "操作人 赵经理" in text and "cli" not in text


def test_without_a_name_a_report_names_the_account_not_the_program(db, tmp_path):
    account = pwd.getpwuid(os.getuid()).pw_name
    out = tmp_path / "x.pdf"
    r = run_bare("report", "daily", "--date", "2025-07-01", "--pdf", out, "--db", db)
    assert r.returncode == 0, r.stderr
    text = pdf_text(out)
    assert f"by {account}" in text and "by cli" not in text
    actors = {a for (a,) in sqlite3.connect(db).execute("SELECT actor FROM audit WHERE action = 'report_printed'")}
    assert actors == {account}


def test_an_export_names_the_manager(db, tmp_path):
    for fmt in ("pdf", "xlsx"):
        r = run_bare("export", "--from", "2025-07-01", "--to", "2025-07-01", "--format", fmt, "--out", tmp_path / f"t.{fmt}", "--db", db, *MANAGER)
        assert r.returncode == 0, r.stderr
    assert "by Zhao" in pdf_text(tmp_path / "t.pdf")
    assert openpyxl.load_workbook(tmp_path / "t.xlsx").properties.creator == "Zhao"
    actors = {a for (a,) in sqlite3.connect(db).execute("SELECT actor FROM audit WHERE action = 'tally_exported'")}
    assert actors == {"Zhao"}


# --- 16. the Overrides table's status; XLSX headers in the chosen language ------------------


@pytest.mark.parametrize("lang, active, voided", [("en", "active", "voided"), ("zh_CN", "有效", "已作废")])
def test_the_overrides_table_says_each_entrys_status(db, tmp_path, lang, active, voided):
    out = tmp_path / "x.pdf"
    r = run("--lang", lang, "report", "daily", "--date", "2025-07-01", "--pdf", out, "--db", db, "--manager", "Zhao")  # an X: no PIN
    assert r.returncode == 0, r.stderr
    lines = pdf_text(out).splitlines()
    kept = [line for line in lines if "bundle price on receipt" in line]
    gone = [line for line in lines if "receipt shows 250" in line]
    assert kept and gone
    assert kept[0].rstrip().endswith(active) and gone[0].rstrip().endswith(voided)


def test_xlsx_headers_follow_the_language_and_csv_keeps_its_english_names(db, tmp_path):
    def export(fmt, lang):
        out = tmp_path / f"{lang}.{fmt}"
        r = run("--lang", lang, "export", "--from", "2025-07-01", "--to", "2025-07-01", "--format", fmt, "--out", out,
                "--group-by", "day,clerk,brand,model,remedy", "--db", db, *MANAGER)
        assert r.returncode == 0, r.stderr
        return out

    wb = openpyxl.load_workbook(export("xlsx", "zh_CN"))
    tally, progress = wb.worksheets
    rows = list(tally.iter_rows(values_only=True))
    assert list(rows[0]) == ["日期", "店员", "品牌", "型号", "处理方式", "笔数", "金额", "币种"]
    assert rows[1][4] == "退款" and rows[-1][0] == "合计"
    head = next(progress.iter_rows(values_only=True))
    assert head[:4] == ("召回", "召回名称", "收回（本期）", "退款（本期）") and head[-1] == "待确认（累计）"
    assert not any("_" in str(h) for h in head + rows[0])  # no code names

    rows = list(openpyxl.load_workbook(export("xlsx", "en")).worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == ["Day", "Clerk", "Brand", "Model", "Remedy", "Count", "Amount", "Currency"]
    with open(export("csv", "zh_CN"), encoding="utf-8-sig") as fh:
        assert next(csv.reader(fh)) == ["day", "clerk", "brand", "model", "remedy", "count", "amount", "currency"]  # the contract
