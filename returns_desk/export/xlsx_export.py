"""Tally as XLSX (XlsxWriter): the same columns in the same order as the CSV, real numbers,
real dates for ``day``, the header row frozen and a totals row last; a second sheet holds the
recall programme progress. Text is always written as text, never as a formula or link.

Unlike the CSV (English column names: a contract with scripts), the workbook is for people:
headers, sheet names, remedies and the totals label are in the chosen language."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import xlsxwriter
import xlsxwriter.exceptions

from returns_desk.domain.messages import normalise_lang, say
from returns_desk.domain.money import DIGITS
from returns_desk.export.tally import PROGRESS_COLUMNS, VALUE_COLUMNS, Tally
from returns_desk.reports.files import atomic_path

#: The sheets' names in English (``say("tally_sheet", lang)`` in other languages).
SHEET_TALLY = "Tally"
SHEET_PROGRESS = "Recall progress"
_FIGURES = ("rpt_received", "rpt_refunded", "rpt_replaced", "rpt_vouchered", "rpt_pending")


def tally_headers(tally: Tally, lang: str) -> list[str]:
    """The tally sheet's header row in ``lang``: the group keys, then count, amount, currency."""
    return [say(f"tally_{k}", lang) for k in (*tally.group_by, *VALUE_COLUMNS)]


def progress_headers(lang: str) -> list[str]:
    """The progress sheet's header row in ``lang`` (the columns of PROGRESS_COLUMNS)."""
    spans = [say(k, lang).lower() for k in ("rpt_this_period", "rpt_cumulative")]  # "Received (this period)"
    heads = [say("tally_recall", lang), say("tally_recall_title", lang)]
    pattern = "{}（{}）" if lang == "zh_CN" else "{} ({})"
    heads += [pattern.format(say(f, lang), span) for span in spans for f in _FIGURES]
    assert len(heads) == len(PROGRESS_COLUMNS)
    return heads


def _width(text: str) -> int:
    """Columns a text needs: CJK characters are twice as wide."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def write_tally_xlsx(tally: Tally, path: str | os.PathLike[str], *, lang: str = "en") -> Path:
    lang = normalise_lang(lang)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
        try:
            wb.set_properties(
                {
                    "title": say("tally_title", lang, start=tally.date_from.isoformat(), end=tally.date_to.isoformat()),
                    "subject": f"store {tally.store}; grouped by {', '.join(tally.group_by) or 'nothing'}",
                    "author": tally.generated_by,
                    "comments": f"Generated {tally.generated_at} by Returns Desk; non-voided returns by business date",
                }
            )
            bold = wb.add_format({"bold": True, "bg_color": "#E6E6E6", "border": 1})
            total_fmt = wb.add_format({"bold": True, "top": 2})
            date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
            money_fmt = {d: wb.add_format({"num_format": "0" if d == 0 else "0." + "0" * d}) for d in set(DIGITS.values())}
            money_total = {d: wb.add_format({"num_format": "0" if d == 0 else "0." + "0" * d, "bold": True, "top": 2}) for d in set(DIGITS.values())}

            ws = wb.add_worksheet(say("tally_sheet", lang))
            header = tally_headers(tally, lang)
            for c, name in enumerate(header):
                ws.write_string(0, c, name, bold)
            ws.freeze_panes(1, 0)
            n_keys = len(tally.group_by)
            widths = [_width(h) for h in header]
            row_i = 0
            for row_i, r in enumerate(tally.rows, start=1):
                for c, key in enumerate(tally.group_by):
                    value = r[key]
                    if key == "day":
                        ws.write_datetime(row_i, c, dt.datetime.fromisoformat(value), date_fmt)
                        widths[c] = max(widths[c], 10)
                    else:
                        text = "" if value is None else str(value)
                        if key == "remedy" and text:
                            text = say(f"remedy_{text}", lang)
                        ws.write_string(row_i, c, text)
                        widths[c] = min(60, max(widths[c], _width(text)))
                digits = DIGITS.get(r["currency"], 2)
                ws.write_number(row_i, n_keys, r["count"])
                ws.write_number(row_i, n_keys + 1, (r["amount_minor"] or 0) / 10**digits, money_fmt[digits])
                ws.write_string(row_i, n_keys + 2, r["currency"])
            for t in tally.totals():
                row_i += 1
                digits = DIGITS.get(t["currency"], 2)
                for c in range(n_keys):
                    ws.write_blank(row_i, c, None, total_fmt)
                if n_keys:
                    ws.write_string(row_i, 0, say("tally_total", lang), total_fmt)
                ws.write_number(row_i, n_keys, t["count"], total_fmt)
                ws.write_number(row_i, n_keys + 1, t["amount_minor"] / 10**digits, money_total[digits])
                ws.write_string(row_i, n_keys + 2, t["currency"], total_fmt)
            for c, w in enumerate(widths):
                ws.set_column(c, c, max(8, w + 2))

            wp = wb.add_worksheet(say("tally_sheet_progress", lang))
            for c, name in enumerate(progress_headers(lang)):
                wp.write_string(0, c, name, bold)
            wp.freeze_panes(1, 0)
            for i, prow in enumerate(tally.progress_table(lang), start=1):
                wp.write_string(i, 0, prow[0])
                wp.write_string(i, 1, prow[1])
                for c, v in enumerate(prow[2:], start=2):
                    wp.write_number(i, c, v)
            wp.set_column(0, 0, 32)
            wp.set_column(1, 1, 44)
            wp.set_column(2, len(PROGRESS_COLUMNS) - 1, 16)
        finally:
            try:
                wb.close()
            except xlsxwriter.exceptions.FileCreateError as exc:
                cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
                raise cause from None
    return Path(path)
