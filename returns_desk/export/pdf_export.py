"""Tally as PDF for the file: the grouped table with its totals and the recall programme
progress, printed through :mod:`returns_desk.reports.printing`."""

from __future__ import annotations

import os
from pathlib import Path

from returns_desk.domain.messages import normalise_lang, say
from returns_desk.domain.money import format_amount
from returns_desk.reports.files import atomic_path
from returns_desk.export.tally import Tally
from returns_desk.reports.daily import local_text
from returns_desk.reports.html import document, esc, progress_section, table


def render_tally_html(tally: Tally, lang: str = "en", *, time_zone: str = "UTC") -> str:
    lang = normalise_lang(lang)

    def t(key: str, **args: object) -> str:
        return esc(say(key, lang, **args))

    title = t("tally_title", start=tally.date_from.isoformat(), end=tally.date_to.isoformat())
    at = local_text(tally.generated_at, time_zone) if tally.generated_at else ""
    parts = [f"<h1>{title}</h1>", f'<p class="muted">{esc(tally.store)} — {t("tally_generated", at=at, by=tally.generated_by)}</p>']
    heads = [t(f"tally_{k}") for k in tally.group_by] + [t("tally_count"), t("tally_amount"), t("tally_currency")]
    n = len(tally.group_by)
    rows: list[list[str]] = []
    for r in tally.rows:
        cells = []
        for k in tally.group_by:
            v = r[k]
            cells.append(t(f"remedy_{v}") if k == "remedy" and v else esc(v))
        rows.append(cells + [str(r["count"]), format_amount(r["amount_minor"] or 0, r["currency"]), esc(r["currency"])])
    for tot in tally.totals():
        label = [f"<b>{t('tally_total')}</b>"] + [""] * (n - 1) if n else []
        rows.append(label + [f"<b>{tot['count']}</b>", f"<b>{format_amount(tot['amount_minor'], tot['currency'])}</b>", esc(tot["currency"])])
    if tally.rows:
        parts.append(table(heads, rows, numeric=(n, n + 1)))
    else:
        parts.append(f"<p>{t('tally_empty')}</p>")
    parts.append(progress_section(tally.progress, tally.titles, lang, period_key="rpt_this_period"))
    return document(title, "".join(parts), lang)


def write_tally_pdf(tally: Tally, path: str | os.PathLike[str], *, lang: str = "en", page_size: str = "A4", time_zone: str = "UTC") -> Path:
    from returns_desk.reports.printing import render_pdf

    html = render_tally_html(tally, lang, time_zone=time_zone)
    with atomic_path(path) as tmp:
        render_pdf(html, tmp, page_size, lang=lang)
    return Path(path)
