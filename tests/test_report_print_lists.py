"""The daily report's lists drawn line by line in the PDF (issue 15): overrides, incidents,
returns stopped at the counter, recall progress and voided entries are drawn like the list of the
day's returns, not laid out as HTML tables. What they say must be what the HTML says: read back
with pdftotext."""

from __future__ import annotations

import re
import subprocess

import pytest

from returns_desk.reports.html import TextTable, daily_print, render_daily_html
from returns_desk.reports.printing import render_daily_pdf
from tests.test_reports import _long_day

NOTES = "The unit was very hot when the customer brought it in; it was isolated in the sand bucket at once and the manager was told"


def pdf_text(path, *, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def _day() -> dict:
    rep = _long_day(120)
    rep["incidents"][0]["notes"] = NOTES
    rep["overrides"][0]["override_reason"] = "长" * 400
    rep["stopped"] = [{"time": "10:00", "clerk": "Li Na", "counter": "C1", "model_input": "A1263?", "model": None, "condition": "hot",
                       "action": "isolated", "notes": "smoke from the port"}]
    return rep


def test_the_print_draws_the_lists_that_grow_with_the_day():
    daily = daily_print(_day(), "en")
    drawn = [p.heading for p in daily.flow if isinstance(p, TextTable)]
    assert drawn == ["By recall and model", "Overrides (who approved and why)", "Incidents: hot or burnt units",
                     "Returns stopped for a hazardous unit (incidents recorded at the counter)", "Recall programme progress",
                     "Returns of the day", "Voided entries"]
    assert daily.detail is not None and daily.detail.heading == "Returns of the day"
    # the HTML report (the window's view) still has them as tables, every one
    html = render_daily_html(_day(), "en")
    assert html.count("<table") >= 10 and "smoke from the port" in html


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_drawn_lists_read_back_in_full(tmp_path, lang):
    rep = _day()
    out = render_daily_pdf(daily_print(rep, lang), tmp_path / f"lists-{lang}.pdf")
    text = pdf_text(out)
    flat = " ".join(pdf_text(out, layout=False).split())
    # free text wraps in its column: every word of the notes, in order, nothing cut
    assert NOTES in flat
    # ... up to six lines: 400 characters of a reason are cut with "…"
    assert "长" * 20 in text and text.count("长") < 400 and "…" in text
    # every override, incident, stopped return and voided entry is there, once in its list
    for e in rep["overrides"] + rep["incidents"] + rep["voided"]:
        assert e["ticket"] in text
    assert "smoke from the port" in text and "A1263?" in text
    # recall progress: the day's figures over the cumulative ones, with the recall's title
    period = next(p for p in rep["progress"] if p["period"])["period"]
    day_word, total_word = ("This day", "Cumulative") if lang == "en" else ("当日", "累计")
    row = next(ln for ln in text.splitlines() if day_word in ln and "CN-SAMR-ANKER-2025-06-20" in ln)
    assert re.search(rf"{day_word}\s+{period['received']}\s+{period['refund']}\s+{period['replacement']}\s+{period['voucher']}\s+{period['pending']}\b", row), row
    assert any(total_word in ln and re.search(r"(\s+0){5}\s*$", ln) for ln in text.splitlines())
    assert ("Anker power bank recall" if lang == "en" else "安克移动电源召回") in text
