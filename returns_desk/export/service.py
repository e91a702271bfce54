"""Exporting a tally: read the groups and the recall progress, write the file, audit it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import InputError
from returns_desk.domain.vocab import EXPORT_FORMATS
from returns_desk.export.tally import Tally, build_tally, merge_progress
from returns_desk.reports.daily import progress_table, recall_titles
from returns_desk.services.clock import utc_now_text
from returns_desk.services.desk import Desk
from returns_desk.services.returns_service import ReturnsService
from returns_desk.storage import repository as repo


def fetch_tally(desk: Desk, date_from: dt.date, date_to: dt.date, group_by: Sequence[str], *, by: str, with_progress: bool = True) -> Tally:
    """Non-voided returns between two business dates (inclusive) grouped as asked, with (unless
    ``with_progress`` is False: the CSV has no place for it) the recall programme progress for
    the period and cumulative up to ``date_to``."""
    if date_from > date_to:
        raise InputError("range_invalid", field="from", start=date_from.isoformat(), end=date_to.isoformat())
    rows = ReturnsService(desk).tally(date_from, date_to, list(group_by))
    progress: tuple = ()
    if with_progress:
        period = progress_table(repo.recall_progress(desk.conn, date_from.isoformat(), date_to.isoformat()))
        cumulative = progress_table(repo.recall_progress(desk.conn, None, date_to.isoformat()))
        progress = merge_progress(period, cumulative)
    return build_tally(
        rows,
        date_from=date_from,
        date_to=date_to,
        group_by=group_by,
        progress=progress,
        titles=recall_titles(desk.catalogue, [p["recall_id"] for p in progress]),
        generated_at=utc_now_text(),
        generated_by=by,
        store=f"{desk.settings['store_name']} ({desk.settings['store_code']})",
    )


def write_tally(desk: Desk, tally: Tally, fmt: str, out: str | os.PathLike[str], *, lang: str = "en", page_size: str = "A4") -> Path:
    """Write the file (atomically) and record the export in the audit trail."""
    if fmt == "csv":
        from returns_desk.export.csv_export import write_tally_csv

        path = write_tally_csv(tally, out)
    elif fmt == "xlsx":
        from returns_desk.export.xlsx_export import write_tally_xlsx

        path = write_tally_xlsx(tally, out, lang=lang)
    elif fmt == "pdf":
        from returns_desk.export.pdf_export import write_tally_pdf

        path = write_tally_pdf(tally, out, lang=lang, page_size=page_size, time_zone=desk.settings["time_zone"])
    else:
        raise InputError("format_invalid", field="format")
    with desk.conn.write() as db:
        repo.audit(
            db, at=utc_now_text(), actor=tally.generated_by, action="tally_exported", entity="tally",
            entity_id=f"{tally.date_from.isoformat()}..{tally.date_to.isoformat()}",
            details={"format": fmt, "group_by": list(tally.group_by), "rows": len(tally.rows), "target": str(path)},
        )
    return path


def export_tally(
    desk: Desk, date_from: dt.date, date_to: dt.date, fmt: str, out: str | os.PathLike[str], *,
    group_by: Sequence[str], by: Actor, lang: str = "en", page_size: str = "A4",
) -> tuple[Path, Tally]:
    """Write the tally (a manager's action: ``by`` is signed in or approved with a PIN)."""
    if not isinstance(by, Actor):
        raise TypeError("export_tally needs the manager as an Actor (signed in or approved with a PIN)")
    by.require("export")
    if fmt not in EXPORT_FORMATS:
        raise InputError("format_invalid", field="format")
    tally = fetch_tally(desk, date_from, date_to, group_by, by=by.name, with_progress=fmt != "csv")
    return write_tally(desk, tally, fmt, out, lang=lang, page_size=page_size), tally
