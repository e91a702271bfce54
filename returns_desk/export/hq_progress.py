"""The chain's recall progress (``hq progress``) as XLSX or PDF: per store, the period and the
cumulative figures, and the chain's total. Stable English column names in the XLSX file; the
PDF in the report's language. Written beside the target and renamed."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from returns_desk.domain.messages import normalise_lang, say
from returns_desk.reports.files import atomic_path
from returns_desk.reports.hq_report import PROGRESS_FIGURES
from returns_desk.reports.html import document, esc, table

SHEET = "Recall progress"
COLUMNS = ("store",) + tuple(f"period_{k}" for k in PROGRESS_FIGURES) + tuple(f"cumulative_{k}" for k in PROGRESS_FIGURES)


def rows(report: Mapping[str, Any]) -> list[list[Any]]:
    """One row per store, then the chain's total (store ``*``)."""
    out = [[s["store"]] + [s["period"][k] for k in PROGRESS_FIGURES] + [s["cumulative"][k] for k in PROGRESS_FIGURES]
           for s in report["stores"]]
    t = report["total"]
    out.append(["*"] + [t["period"][k] for k in PROGRESS_FIGURES] + [t["cumulative"][k] for k in PROGRESS_FIGURES])
    return out


def write_progress_xlsx(report: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    import xlsxwriter

    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
        try:
            period = f"{report['date_from'] or 'start'} to {report['date_to']}"
            wb.set_properties({"title": f"Recall progress {report['recall_id']}", "subject": f"period {period}",
                               "author": report["generated_by"], "comments": f"Generated {report['generated_at']} by Returns Desk head office"})
            bold = wb.add_format({"bold": True, "bg_color": "#E6E6E6", "border": 1})
            total_fmt = wb.add_format({"bold": True, "top": 2})
            ws = wb.add_worksheet(SHEET)
            for c, name in enumerate(COLUMNS):
                ws.write_string(0, c, name, bold)
                ws.set_column(c, c, max(8, len(name) + 1))
            ws.freeze_panes(1, 1)
            table_rows = rows(report)
            for r, values in enumerate(table_rows, start=1):
                fmt = total_fmt if r == len(table_rows) else None
                ws.write_string(r, 0, str(values[0]), fmt)
                for c, v in enumerate(values[1:], start=1):
                    ws.write_number(r, c, v, fmt)
            info = wb.add_worksheet("About")
            about = [("recall_id", report["recall_id"]), ("official_number", report.get("official_number") or ""),
                     ("title", report["title"].get("en", "")), ("authority", (report.get("authority") or {}).get("en", "")),
                     ("units_affected", report.get("units_affected")), ("period_from", report["date_from"] or ""),
                     ("period_to", report["date_to"]), ("generated_at", report["generated_at"]), ("generated_by", report["generated_by"])]
            for r, (k, v) in enumerate(about):
                info.write_string(r, 0, k, bold)
                if isinstance(v, int):
                    info.write_number(r, 1, v)
                else:
                    info.write_string(r, 1, "" if v is None else str(v))
            info.set_column(0, 0, 18)
            info.set_column(1, 1, 60)
        finally:
            wb.close()
    return Path(path)


def progress_html(report: Mapping[str, Any], lang: str = "en") -> str:
    lang = normalise_lang(lang)

    def t(key: str, **args: object) -> str:
        return esc(say(key, lang, **args))

    title = t("prog_title", recall=report["recall_id"])
    name = esc(report["title"].get(lang) or report["title"].get("en") or report["recall_id"])
    period = f"{esc(report['date_from'] or t('prog_start'))} – {esc(report['date_to'])}"
    generated = t("tally_generated", at=esc(report["generated_at"][:16].replace("T", " ")), by=esc(report["generated_by"]))
    parts = [f"<h1>{title}</h1>", f"<p>{name}</p>", f'<p class="muted">{t("prog_period", period=period)} · {generated}</p>']
    heads = [t("prog_store")] + [t(f"prog_{k}") for k in PROGRESS_FIGURES]
    for part, key in (("period", "rpt_this_period"), ("cumulative", "rpt_cumulative")):
        parts.append(f"<h2>{t(key)}</h2>")
        body = [[esc(s["store"])] + [str(s[part][k]) for k in PROGRESS_FIGURES] for s in report["stores"]]
        body.append([f"<b>{t('prog_chain')}</b>"] + [f"<b>{report['total'][part][k]}</b>" for k in PROGRESS_FIGURES])
        parts.append(table(heads, body, numeric=range(1, len(heads)), small=True))
    return document(title, "".join(parts), lang)


def write_progress_pdf(report: Mapping[str, Any], path: str | os.PathLike[str], *, lang: str = "en", page_size: str = "A4") -> Path:
    from returns_desk.reports.printing import render_pdf

    with atomic_path(path) as tmp:
        render_pdf(progress_html(report, lang), tmp, page_size, lang=lang)
    return Path(path)
