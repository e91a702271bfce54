"""The daily return report (X and numbered Z), its PDF, and the tally exports agreeing with it.

Returns are recorded through ReturnsService.record into a real SQLite file (the ``desk``
fixture); figures are checked against a known set (tests/known_returns.py), against each other
(report vs CSV vs XLSX) and in the PDF text as pdftotext reads it back."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sqlite3
import subprocess

import openpyxl
import pytest

from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.messages import missing_translations
from returns_desk.domain.returns import ReturnDraft
from returns_desk.export.csv_export import write_tally_csv
from returns_desk.export.service import export_tally, fetch_tally
from returns_desk.export.xlsx_export import write_tally_xlsx
from returns_desk.reports.daily import snapshot_text
from returns_desk.reports.html import REPRINT_END, REPRINT_START, render_daily_html
from returns_desk.reports.service import DailyReportService
from returns_desk.storage import repository as repo
from tests.known_returns import (
    BOTH_DAYS_BY_MODEL_REMEDY,
    CLERKS,
    DAY1,
    DAY1_BY_CLERK,
    DAY1_TOTALS,
    DAY2,
    at,
    record_known_returns,
    sn,
)

MANAGER_T = Actor("t", "manager")


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def known(desk, returns):
    desk.update_settings({"store_name": "Xidan 西单"}, actor="test")
    return record_known_returns(returns)


@pytest.fixture
def reports(desk):
    return DailyReportService(desk)


def test_every_english_text_has_a_chinese_translation():
    assert missing_translations() == []


def test_daily_report_figures_match_the_known_returns(known, reports):
    rep = reports.x_report(DAY1, by="Manager Zhao")
    assert rep["kind"] == "X" and rep["z_number"] is None and rep["business_date"] == "2025-07-01"
    assert rep["totals"] == DAY1_TOTALS
    assert rep["counters"] == ["C1"] and rep["counter"] is None and rep["currency"] == "CNY"
    by_clerk = {c["clerk"]: {k: c[k] for k in ("returns", "refund_value", "overrides", "voids")} for c in rep["by_clerk"]}
    assert by_clerk == DAY1_BY_CLERK
    # exceptions: both overrides with who and why, the duplicate serial, the hot unit
    assert {(e["ticket"], e["approver"], e["override_reason"]) for e in rep["overrides"]} == {
        (known["r5"], "Zhang Min", "receipt shows 260 (bundle with cable)"),
        (known["r7"], "Li Na", "customer returned two units, same serial printed twice"),
    }
    assert [(e["ticket"], e["duplicate_of"]) for e in rep["duplicates"]] == [(known["r7"], known["r1"])]
    assert [(e["ticket"], e["condition"]) for e in rep["incidents"]] == [(known["r8"], "burnt")]
    # detail and voided lists, in recording order, times in the store's zone
    assert [e["ticket"] for e in rep["entries"]] == [known[k] for k in ("r1", "r2", "r3", "r4", "r5", "r7", "r8")]
    assert rep["entries"][0]["time"] == "10:05"
    assert [(e["ticket"], e["void_by"], e["void_reason"]) for e in rep["voided"]] == [(known["r6"], "Manager Zhao", "entered on the wrong model")]
    # period: the local business day, Shanghai time
    assert rep["period_start"] == "2025-07-01 00:00:00+08:00"
    # by recall x model
    by_model = {(r["recall_id"], r["model"]): r for r in rep["by_recall"]}
    a1257 = by_model[("CN-SAMR-ANKER-2025-06-20", "A1257")]
    assert (a1257["units"], a1257["refund"], a1257["voucher"], a1257["pending"], a1257["value"]) == (3, 2, 1, 3, {"CNY": 55800})
    assert by_model[("CN-SZAMR-ROMOSS-2025-06-16", "PAC20-392")]["hazardous"] == 1


def test_totals_are_the_sums_of_the_detail_rows(known, reports):
    """Totals and detail come from the same rows: recomputing the totals from the printed detail
    gives the printed totals (refunds missing from shift reports is the classic bug)."""
    for day in (DAY1, DAY2):
        rep = reports.x_report(day, by="m")
        entries, tot = rep["entries"], rep["totals"]
        assert tot["returns"] == len(entries) == sum(r["units"] for r in rep["by_recall"]) == sum(c["returns"] for c in rep["by_clerk"])
        for remedy, key in (("refund", "refund_value"), ("voucher", "voucher_value")):
            assert sum(e["amount_minor"] for e in entries if e["remedy"] == remedy) == tot[key].get("CNY", 0)
        assert sum(e["amount_minor"] for e in entries) == tot["value"].get("CNY", 0)
        assert sum(e["amount_minor"] for e in rep["voided"]) == tot["voided_value"].get("CNY", 0)
        assert tot["pending"] == sum(e["confirmation"] == "pending" for e in entries)
        assert tot["hazardous"] == sum(e["condition"] != "intact" for e in entries)


def test_report_csv_and_xlsx_agree_with_each_other_and_the_known_totals(known, desk, reports, tmp_path):
    tally = fetch_tally(desk, DAY1, DAY2, ["model", "remedy"], by="test")
    got = {(r["model"], r["remedy"]): (r["count"], r["amount_minor"]) for r in tally.rows}
    assert got == BOTH_DAYS_BY_MODEL_REMEDY

    csv_path = write_tally_csv(tally, tmp_path / "t.csv")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["model", "remedy", "count", "amount", "currency"]
    csv_got = {(r[0], r[1]): (int(r[2]), int(r[3].replace(".", ""))) for r in rows[1:]}
    assert csv_got == BOTH_DAYS_BY_MODEL_REMEDY
    assert all(re.fullmatch(r"\d+\.\d\d", r[3]) and r[4] == "CNY" for r in rows[1:])

    xlsx_path = write_tally_xlsx(tally, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(xlsx_path)
    ws = wb["Tally"]
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == ["Model", "Remedy", "Count", "Amount", "Currency"]  # for people; the CSV's names are for scripts
    assert ws.freeze_panes == "A2"
    body, total = values[1:-1], values[-1]
    assert {(r[0], r[1]): (r[2], round(r[3] * 100)) for r in body} == BOTH_DAYS_BY_MODEL_REMEDY
    assert all(isinstance(r[2], int) and isinstance(r[3], (int, float)) for r in body)
    assert total[0] == "Total" and total[2] == sum(c for c, _ in BOTH_DAYS_BY_MODEL_REMEDY.values())
    assert round(total[3] * 100) == sum(a for _, a in BOTH_DAYS_BY_MODEL_REMEDY.values())
    # the same groups in the same order in both files
    assert [(r[0], r[1], str(r[2])) for r in body] == [(r[0], r[1], r[2]) for r in rows[1:]]

    # the daily report of each day agrees with the tally of that day alone
    for day in (DAY1, DAY2):
        rep = reports.x_report(day, by="m")
        one_day = fetch_tally(desk, day, day, ["model", "remedy"], by="test")
        assert sum(r["count"] for r in one_day.rows) == rep["totals"]["returns"]
        refunds = sum(r["amount_minor"] for r in one_day.rows if r["remedy"] == "refund")
        assert refunds == rep["totals"]["refund_value"].get("CNY", 0)
        report_groups = {}
        for e in rep["entries"]:
            c, a = report_groups.get((e["model"], e["remedy"]), (0, 0))
            report_groups[(e["model"], e["remedy"])] = (c + 1, a + e["amount_minor"])
        assert report_groups == {(r["model"], r["remedy"]): (r["count"], r["amount_minor"]) for r in one_day.rows}


def test_xlsx_day_column_holds_real_dates_and_the_progress_sheet(known, desk, tmp_path):
    tally = fetch_tally(desk, DAY1, DAY2, ["day", "clerk"], by="test")
    wb = openpyxl.load_workbook(write_tally_xlsx(tally, tmp_path / "d.xlsx"))
    rows = list(wb["Tally"].iter_rows(values_only=True))
    assert rows[0] == ("Day", "Clerk", "Count", "Amount", "Currency")
    assert isinstance(rows[1][0], dt.datetime) and rows[1][0].date() == DAY1
    assert {r[1] for r in rows[1:-1]} == set(CLERKS)
    prog = list(wb["Recall progress"].iter_rows(values_only=True))
    assert prog[0][:3] == ("Recall", "Recall title", "Received (this period)")
    anker = next(r for r in prog if r[0] == "CN-SAMR-ANKER-2025-06-20")
    # Anker CN: r1 r2 r4 r5 r7 on day 1, r9 r11 on day 2 (r6 voided)
    assert anker[2:7] == (7, 4, 0, 3, 7)


def test_recall_progress_in_the_report_is_period_and_cumulative(known, reports):
    rep = reports.x_report(DAY2, by="m")
    prog = {p["recall_id"]: p for p in rep["progress"]}
    anker = prog["CN-SAMR-ANKER-2025-06-20"]
    assert anker["period"] == {"received": 2, "refund": 1, "replacement": 0, "voucher": 1, "pending": 2}
    assert anker["cumulative"] == {"received": 7, "refund": 4, "replacement": 0, "voucher": 3, "pending": 7}
    romoss = prog["CN-SZAMR-ROMOSS-2025-06-16"]
    assert romoss["period"]["replacement"] == 1 and romoss["cumulative"]["replacement"] == 3


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_pdf_text_holds_the_figures(known, reports, tmp_path, lang):
    rep = reports.x_report(DAY1, by="Manager Zhao")
    out = reports.write_pdf(rep, tmp_path / f"day-{lang}.pdf", lang=lang, by="Manager Zhao")
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    for figure in ("638.00", "348.00", "986.00", "199.00"):
        assert figure in text
    for label in ("r1", "r5", "r7", "r8", "r6"):
        assert known[label] in text
    for name in CLERKS:
        assert name in text
    assert "Xidan 西单" in text
    if lang == "zh_CN":
        assert "每日退货报表" in text and "退款" in text and "安克移动电源召回" in text
        fonts = pdf_fonts(out)
        assert re.search(r"(WenQuanYi|NotoSansCJK|Noto Sans CJK|MicrosoftYaHei|PingFang).*\byes\b", fonts), fonts
    else:
        assert "Daily return report" in text and "Refunds" in text
    events = repo.audit_events(reports.desk.conn, "report_printed")
    assert events and json.loads(events[-1]["details"])["kind"] == "X"


def test_letter_and_a4_pages(known, reports, tmp_path):
    rep = reports.x_report(DAY1, by="m")
    for size, (w, h) in (("A4", (595, 842)), ("Letter", (612, 792))):
        out = reports.write_pdf(rep, tmp_path / f"{size}.pdf", lang="en", by="m", page_size=size)
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
        m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert m and (round(float(m.group(1))), round(float(m.group(2)))) == (w, h)


# --- Z: close, freeze, reprint -------------------------------------------------------------


def test_z_reprint_after_later_returns_is_the_same_report(known, desk, returns, reports, tmp_path):
    z = reports.close_day(DAY1, manager=Actor("Manager Zhao", "manager"))
    assert z["kind"] == "Z" and z["z_number"] == 1 and z["printed_by"] == "Manager Zhao"
    assert z["totals"] == DAY1_TOTALS
    first_pdf = reports.write_pdf(z, tmp_path / "z.pdf", lang="en", by="Manager Zhao")

    # later: a return at 18:00 on the closed day, and a void of one of the day's entries
    late = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li Na", amount="100", serial=sn(50), at=at(DAY1, 18, 0)))
    returns.void(known["r1"], reason="late correction", by="Manager Zhao")

    again = reports.reprint(day=DAY1)
    assert snapshot_text(again) == snapshot_text(z)
    row = repo.closure(desk.conn, "S1", "*", "2025-07-01")
    assert row["snapshot"] == snapshot_text(z) and row["z_number"] == 1
    assert reports.reprint(z_number=1) == z
    # "print the daily report" for a closed day is the reprint
    rep, is_reprint = reports.report(DAY1, by="someone")
    assert is_reprint and rep == z

    # same HTML apart from the reprint banner, same PDF text apart from the banner line
    first_html = render_daily_html(z, "en")
    reprint_html = render_daily_html(again, "en", reprint={"at": "2025-07-03T01:00:00.000000Z", "by": "Clerk Sun"})
    assert re.sub(re.escape(REPRINT_START) + ".*?" + re.escape(REPRINT_END), "", reprint_html) == first_html
    assert "REPRINT of Z No. 1" in reprint_html
    second_pdf = reports.write_pdf(again, tmp_path / "z2.pdf", lang="en", by="Clerk Sun", reprint=True)
    def body_lines(path):
        """Text lines without blanks and page footers (the banner may move a page break). A heading
        whose top margin straddles a break is also drawn, clipped and invisible, at the foot of the
        earlier page; pdftotext reads it twice, so repeated neighbours are collapsed."""
        lines = [ln for ln in pdf_text(path).splitlines() if ln.strip() and not ln.startswith("Daily return report 2025-07-01 ")]
        return [ln for i, ln in enumerate(lines) if i == 0 or ln != lines[i - 1]]

    assert [ln for ln in body_lines(second_pdf) if "REPRINT" not in ln] == body_lines(first_pdf)

    # the late return landed on the next business day
    assert late["business_date"] == "2025-07-02" and late["ticket"].startswith("S1-C1-20250702-")
    day2 = reports.x_report(DAY2, by="m")
    assert late["ticket"] in [e["ticket"] for e in day2["entries"]]
    assert next(e for e in day2["entries"] if e["ticket"] == late["ticket"])["time"] == "07-01 18:00"
    # audit: the close and the prints
    closes = repo.audit_events(desk.conn, "day_closed")
    assert len(closes) == 1 and closes[0]["actor"] == "Manager Zhao"
    kinds = [json.loads(e["details"])["kind"] for e in repo.audit_events(desk.conn, "report_printed")]
    assert kinds == ["Z", "reprint"]


def test_z_numbers_count_up_and_a_day_closes_once(known, desk, returns, reports):
    assert reports.close_day(DAY1, manager=Actor("Zhao", "manager"))["z_number"] == 1
    with pytest.raises(RefusedError) as err:
        reports.close_day(DAY1, manager=Actor("Zhao", "manager"))
    assert err.value.key == "day_already_closed"
    with pytest.raises(RefusedError):  # a counter of a store already closed as a whole
        reports.close_day(DAY1, "C1", manager=Actor("Zhao", "manager"))
    assert reports.close_day(DAY2, manager=Actor("Zhao", "manager"))["z_number"] == 2
    assert reports.close_day(dt.date(2025, 7, 3), "C1", manager=Actor("Zhao", "manager"))["z_number"] == 1  # its own sequence
    with pytest.raises(InputError) as err:
        reports.close_day(DAY1 + dt.timedelta(days=3650), manager=Actor("Zhao", "manager"))
    assert err.value.key == "close_future"
    with pytest.raises(TypeError):
        reports.close_day(dt.date(2025, 7, 4), manager="Zhao")  # type: ignore[arg-type]  # a name alone closes nothing
    with pytest.raises(RefusedError) as refused:
        reports.close_day(dt.date(2025, 7, 4), manager=Actor("Li", "clerk"))
    assert refused.value.key == "manager_required"
    # 1, 2 and 3 July closed: a return at noon on 1 July goes to 4 July
    e = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li", amount="10", serial=sn(77), at=at(DAY1, 12, 0)))
    assert e["business_date"] == "2025-07-04"


def test_a_closed_day_is_frozen_in_the_database(known, desk, reports, db_path):
    reports.close_day(DAY1, manager=Actor("Zhao", "manager"))
    raw = sqlite3.connect(db_path)
    for sql in ("UPDATE closures SET snapshot = '{}'", "DELETE FROM closures"):
        with pytest.raises(sqlite3.IntegrityError):
            raw.execute(sql)
    raw.close()


def test_closing_one_counter_leaves_the_other_open(desk, returns, reports):
    returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li", amount="10", serial=sn(1), at=at(DAY1, 9, 0)))
    reports.close_day(DAY1, "C2", manager=Actor("Zhao", "manager"))  # another counter
    e = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li", amount="10", serial=sn(2), at=at(DAY1, 19, 0)))
    assert e["business_date"] == "2025-07-01"
    reports.close_day(DAY1, "C1", manager=Actor("Zhao", "manager"))
    e = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="Li", amount="10", serial=sn(3), at=at(DAY1, 20, 0)))
    assert e["business_date"] == "2025-07-02"
    assert reports.reprint(day=DAY1, counter="C1")["totals"]["returns"] == 2
    assert reports.reprint(day=DAY1, counter="C2")["totals"]["returns"] == 0


def test_reprint_of_an_unknown_z_is_an_input_error(desk, reports):
    with pytest.raises(InputError) as err:
        reports.reprint(z_number=9)
    assert err.value.key == "z_not_found"


def test_empty_day_renders(desk, reports, tmp_path):
    rep = reports.x_report(DAY1, by="m")
    assert rep["totals"]["returns"] == 0 and rep["entries"] == []
    text = pdf_text(reports.write_pdf(rep, tmp_path / "e.pdf", lang="en", by="m"))
    assert "None." in text and "Sign-off" in text


# --- hostile text -----------------------------------------------------------------------------

HOSTILE_CLERK = "<script>alert(1)</script>"
HOSTILE_NOTES = "Robert'); DROP TABLE returns;-- \u202eevil\u202c 🔋🔥"
HOSTILE_RECEIPT = '=HYPERLINK("http://evil.example","click")'


def test_hostile_text_survives_into_csv_xlsx_and_pdf(desk, returns, reports, tmp_path):
    e = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk=HOSTILE_CLERK, amount="149", serial=sn(1),
                                   notes=HOSTILE_NOTES, receipt=HOSTILE_RECEIPT, condition="burnt", at=at(DAY1, 10, 0)))
    returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="voucher", clerk="-1+1", amount="10", serial=sn(2), at=at(DAY1, 11, 0)))
    returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="voucher", clerk='@SUM(A1), "quoted"', amount="10", serial=sn(3), at=at(DAY1, 12, 0)))
    tally = fetch_tally(desk, DAY1, DAY1, ["clerk"], by=HOSTILE_RECEIPT)

    raw = write_tally_csv(tally, tmp_path / "h.csv").read_bytes().decode("utf-8-sig")
    cells = {r[0] for r in list(csv.reader(raw.splitlines()))[1:]}
    assert cells == {HOSTILE_CLERK, "'-1+1", "'@SUM(A1), \"quoted\""}
    assert '"\'@SUM(A1), ""quoted"""' in raw  # a cell with a comma and quotes is quoted

    wb = openpyxl.load_workbook(write_tally_xlsx(tally, tmp_path / "h.xlsx"))
    xcells = {r[0] for r in list(wb["Tally"].iter_rows(values_only=True))[1:-1]}
    assert xcells == {HOSTILE_CLERK, "-1+1", '@SUM(A1), "quoted"'}  # text cells, never formulas
    assert all(c.data_type == "s" for c in wb["Tally"]["A"][1:-1])

    rep = reports.x_report(DAY1, by=HOSTILE_RECEIPT)
    html = render_daily_html(rep, "en")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = pdf_text(reports.write_pdf(rep, tmp_path / "h.pdf", lang="en", by=HOSTILE_RECEIPT))
    assert HOSTILE_CLERK in text
    assert "Robert'); DROP TABLE returns;--" in text
    assert "evil" in text or "live" in text  # a right-to-left override reorders, never removes
    assert HOSTILE_RECEIPT in text
    assert returns.get(e["ticket"])["notes"] == HOSTILE_NOTES


def test_export_writes_atomically_and_audits(known, desk, tmp_path, monkeypatch):
    out = tmp_path / "t.csv"
    out.write_text("older complete file", encoding="utf-8")
    import returns_desk.export.csv_export as csv_export

    def broken_writer(*a, **k):
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(csv_export.csv, "writer", broken_writer)
    with pytest.raises(RuntimeError):
        export_tally(desk, DAY1, DAY2, "csv", out, group_by=["model"], by=MANAGER_T)
    assert out.read_text(encoding="utf-8") == "older complete file"
    assert not list(tmp_path.glob(".t*"))  # no temporary file left behind
    monkeypatch.undo()
    path, tally = export_tally(desk, DAY1, DAY2, "csv", out, group_by=["model"], by=MANAGER_T)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and len(tally.rows) == 8
    events = repo.audit_events(desk.conn, "tally_exported")
    assert len(events) == 1 and json.loads(events[0]["details"])["format"] == "csv"


def test_export_into_a_missing_folder_is_a_write_error(known, desk, tmp_path):
    from returns_desk.reports.files import WriteError

    for fmt in ("csv", "xlsx", "pdf"):
        with pytest.raises(WriteError) as err:
            export_tally(desk, DAY1, DAY2, fmt, tmp_path / "nope" / f"t.{fmt}", group_by=["model"], by=MANAGER_T)
        assert err.value.exit_code == 1 and "nope" in err.value.message()


def test_tally_pdf_holds_the_groups_and_the_progress(known, desk, tmp_path):
    path, _ = export_tally(desk, DAY1, DAY2, "pdf", tmp_path / "t.pdf", group_by=["remedy"], by=MANAGER_T, lang="zh_CN")
    text = pdf_text(path)
    assert "退货汇总 2025-07-01 至 2025-07-02" in text and "召回进度" in text
    assert "638.00" not in text  # refunds of both days: 409 + 229 + 189 = 827.00
    assert "827.00" in text and "合计" in text


# --- the report's data path: one query in recording order, local times per minute --------------


def test_the_days_rows_come_from_the_store_day_index_without_a_sort(known, desk):
    from returns_desk.reports.daily import ROW_COLUMNS

    for counter in (None, "C1"):
        sql = "SELECT recorded_at FROM returns WHERE business_date = ? AND store = ?" + (" AND counter = ?" if counter else "") + " ORDER BY recorded_at, id"
        args = ("2025-07-01", "S1") + ((counter,) if counter else ())
        plan = " ".join(r["detail"] for r in desk.conn.read("EXPLAIN QUERY PLAN " + sql, args))
        assert "returns_by_store_day" in plan and "TEMP B-TREE" not in plan, plan
        rows = repo.returns_for_day(desk.conn, "2025-07-01", "S1", counter, columns=ROW_COLUMNS)
        assert [r[0] for r in rows] == sorted(r[0] for r in rows) and len(rows) == 8
    with pytest.raises(ValueError):
        repo.returns_for_day(desk.conn, "2025-07-01", "S1", columns=("recorded_at", "1; DROP TABLE returns"))


@pytest.mark.parametrize("zone, day, hours", [
    ("America/New_York", "2025-03-09", range(0, 30)),   # clocks go forward at 07:00 UTC
    ("America/New_York", "2025-11-02", range(0, 30)),   # and back at 06:00 UTC
    ("Asia/Kathmandu", "2025-07-01", range(-6, 20)),     # +05:45
    ("Australia/Lord_Howe", "2025-04-06", range(-11, 14)),  # a half-hour change
])
def test_local_times_by_minute_match_a_conversion_of_every_row(zone, day, hours):
    from returns_desk.reports.daily import _Clock, _zone, local_text

    clock = _Clock(_zone(zone), day)
    start = dt.datetime.fromisoformat(day + "T00:00:00+00:00")
    for h in hours:
        for minute in range(0, 60, 7):
            for second in (0, 59):
                moment = start + dt.timedelta(hours=h, minutes=minute, seconds=second, microseconds=999_999 * (second == 59))
                text = moment.isoformat(timespec="microseconds").replace("+00:00", "Z")
                local = local_text(text, zone)
                expect = local[11:16] if local[:10] == day else local[5:16]
                assert clock(text) == expect, (text, local)
    assert clock.canonical
    # another form of UTC text is converted on its own and marks the day as not canonical
    local = local_text(day + "T12:00:00Z", zone)
    assert clock(day + "T12:00:00+00:00") == (local[11:16] if local[:10] == day else local[5:16])
    assert clock.canonical is False


def test_report_rows_from_mappings_give_the_same_report(known, desk, reports):
    from returns_desk.reports.daily import ROW_COLUMNS, build_daily_report, rows_from_mappings

    rep = reports.x_report(DAY1, by="m")
    dicts = desk.conn.read("SELECT * FROM returns WHERE business_date = '2025-07-01' ORDER BY recorded_at, id")
    assert rows_from_mappings(dicts) == repo.returns_for_day(desk.conn, "2025-07-01", "S1", columns=ROW_COLUMNS)
    again = build_daily_report(
        rows_from_mappings(dicts), business_date="2025-07-01", scope=reports.scope(), kind="X", printed_at=rep["printed_at"],
        printed_by="m", catalogue_version=rep["catalogue_version"], titles=rep["recalls"],
        cumulative=repo.recall_progress(desk.conn, None, "2025-07-01", store="S1"),
    )
    rep.pop("custody")  # added by the service from the custody tables (issue 14), not from the rows
    assert snapshot_text(again) == snapshot_text(rep)


# --- a long day: the list of returns drawn line by line ---------------------------------------

LONG_NAME = "Wang " + "长" * 40 + "x" * 9955  # 10,000 characters
RTL = "\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd 🔋🔥"


def _long_day(n: int, *, hostile: bool = True) -> dict:
    from returns_desk.reports.daily import ROW_COLUMNS, Scope, build_daily_report

    rows = []
    for i in range(n):
        clerk = ["Li Na", "王芳", "Zhang Wei"][i % 3]
        serial = f"AKFF1Y0E4{i:07d}"
        notes = None
        if hostile and i == 5:
            clerk = LONG_NAME
        if hostile and i == 6:
            clerk, serial = RTL, "SN\nwith a line break\tand a tab"
        if hostile and i == 7:
            clerk, notes = HOSTILE_CLERK, HOSTILE_NOTES
        condition = "burnt" if hostile and i == 7 else "swollen" if i % 17 == 0 else "intact"
        row = {
            "recorded_at": f"2025-07-01T{1 + i // 60 % 12:02d}:{i % 60:02d}:00.000000Z", "ticket": f"S1-C1-20250701-{i + 1:04d}",
            "counter": "C1", "clerk": clerk, "override_by": "Manager Zhao" if i % 50 == 3 else None,
            "recall_id": "CN-SAMR-ANKER-2025-06-20", "brand": "Anker", "model": "A1257", "serial": serial,
            "condition": condition, "remedy": ("refund", "voucher", "replacement")[i % 3],
            "amount_minor": 0 if i % 3 == 2 else 14900 + i, "currency": "CNY", "confirmation": "pending",
            "notes": notes, "override_reason": "receipt shows more" if i % 50 == 3 else None,
            "status": "void" if i % 40 == 39 else "active", "void_reason": "entered twice" if i % 40 == 39 else None,
            "void_by": "Manager Zhao" if i % 40 == 39 else None, "void_at": "2025-07-01T09:00:00.000000Z" if i % 40 == 39 else None,
            "catalogue_version": "2025.10.22-1",
        }
        rows.append(tuple(row.get(c) for c in ROW_COLUMNS))
    scope = Scope(store_code="S1", store_name="Xidan 西单", counter=None, time_zone="Asia/Shanghai", currency="CNY")
    return build_daily_report(rows, business_date="2025-07-01", scope=scope, kind="X", printed_at="2025-07-01T12:00:00.000000Z",
                              printed_by="Manager Zhao", catalogue_version="2025.10.22-1",
                              titles={"CN-SAMR-ANKER-2025-06-20": {"en": "Anker power bank recall", "zh_CN": "安克移动电源召回"}})


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_long_day_prints_every_return_on_numbered_pages(tmp_path, lang):
    from returns_desk.reports.html import daily_print
    from returns_desk.reports.printing import render_daily_pdf

    rep = _long_day(400)
    daily = daily_print(rep, lang)
    assert daily.detail is not None and len(daily.detail.rows) == len(rep["entries"]) == 390
    out = render_daily_pdf(daily, tmp_path / f"long-{lang}.pdf")
    pages = pdf_pages(out)
    assert 7 <= pages <= 14
    text = pdf_text(out)
    # every ticket once in the list (and in the exceptions; voided ones in their own list)
    for e in rep["entries"]:
        assert text.count(e["ticket"]) == 1 + (e["override_reason"] is not None) + (e["condition"] in ("hot", "burnt")), e["ticket"]
    for e in rep["voided"]:
        assert text.count(e["ticket"]) == 1
    assert "150.47" in text and "149.00" in text
    # the header row on every page of the list, "title  N / M" under every page
    header = "Ticket" if lang == "en" else "单号"
    list_pages = [page for page in text.split("\f") if re.search(r"S1-C1-20250701-\d{4}\s+\S.*A1257\s+AKFF", page)]
    assert len(list_pages) >= 5 and all(header in page for page in list_pages)
    title = "Daily return report 2025-07-01" if lang == "en" else "每日退货报表 2025-07-01"
    for n in range(1, pages + 1):
        assert re.search(rf"{re.escape(title)}\s+{n} / {pages}\b", text), n
    # the list comes after the progress table, the voided entries and sign-off after the list
    last = rep["entries"][-1]["ticket"]
    voided_title = "Voided entries" if lang == "en" else "已作废记录"
    signoff = "Sign-off" if lang == "en" else "签字"
    assert text.index(last) < text.rindex(voided_title) < text.rindex(signoff)
    if lang == "zh_CN":
        assert "王芳" in text and "鼓包" in text and "退款" in text
        assert re.search(r"(WenQuanYi|NotoSansCJK|Noto Sans CJK).*\byes\b", pdf_fonts(out))


def test_hostile_text_in_the_list_stays_on_its_line(tmp_path):
    from returns_desk.reports.html import daily_print
    from returns_desk.reports.printing import render_daily_pdf

    rep = _long_day(60)
    out = render_daily_pdf(daily_print(rep, "en"), tmp_path / "hostile.pdf")
    text = pdf_text(out)
    # the 10,000-character name is cut to its column (in full only in the "by clerk" table,
    # where it wraps); the row keeps its ticket, model and amount on one line
    row = next(ln for ln in text.splitlines() if "S1-C1-20250701-0006" in ln)
    assert "Wang" in row and "A1257" in row and "0.00 pending" in row and "…" in row
    assert text.count("x" * 200) <= 30  # not 10,000 characters in the list
    row = next(ln for ln in text.splitlines() if "S1-C1-20250701-0007" in ln)
    assert "SN with a line" in row and "A1257" in row and "149.06" in row
    assert HOSTILE_CLERK in text and "Robert'); DROP TABLE returns;--" in text
    assert pdf_pages(out) <= 8


def test_a_small_day_lists_its_returns_on_the_first_pages(tmp_path):
    from returns_desk.reports.html import daily_print
    from returns_desk.reports.printing import render_daily_pdf

    rep = _long_day(8, hostile=False)
    out = render_daily_pdf(daily_print(rep, "en"), tmp_path / "small.pdf")
    assert pdf_pages(out) <= 2
    text = pdf_text(out)
    assert all(e["ticket"] in text for e in rep["entries"]) and "Sign-off" in text
