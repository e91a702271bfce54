"""Head office's tally export (``hq export``): every store's returns grouped as asked, with the
recall progress for the period and cumulative, in the same ``Tally`` shape (and so the same CSV
and XLSX writers) as a counter's export."""

from __future__ import annotations

import datetime as dt
from typing import Any

from returns_desk.export.tally import Tally, build_tally, merge_progress
from returns_desk.headoffice import pg
from returns_desk.reports.daily import progress_table, recall_titles
from returns_desk.reports.hq_report import catalogue
from returns_desk.services.clock import utc_now, utc_text


def _active(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["status"] == "active"]


def chain_tally(admin_dsn: str, date_from: dt.date, date_to: dt.date, group_by: tuple[str, ...], *, by: str,
                store: str | None = None) -> Tally:
    """``hq export``: non-voided returns of every store (or one) grouped as asked, with the recall
    progress for the period and cumulative (the XLSX file's second sheet)."""
    with pg.connect(admin_dsn) as hc:
        rows = pg.tally(hc, date_from.isoformat(), date_to.isoformat(), group_by, store)
        period = pg.recall_progress(hc, date_from.isoformat(), date_to.isoformat(), store=store)
        cumulative = pg.recall_progress(hc, None, date_to.isoformat(), store=store)
    progress = merge_progress(progress_table(_active(period)), progress_table(_active(cumulative)))
    return build_tally(
        rows, date_from=date_from, date_to=date_to, group_by=group_by, progress=progress,
        titles=recall_titles(catalogue(admin_dsn), [p["recall_id"] for p in progress]), generated_at=utc_text(utc_now()),
        generated_by=by, store=store or "*",
    )
