"""Daily reports as a use case: the interim X report, closing a day (numbered Z), reprints, and
an audit event for every close, print and export. Shared by the window and the command line.

Figures come from :func:`returns_desk.reports.daily.build_daily_report`; the rows come from one
query (:func:`repository.returns_for_day`). A Z freezes the report's JSON in the ``closures``
table; a reprint renders that JSON and nothing recorded later can change it.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from pathlib import Path
from typing import Any

from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.integrity import Anchor
from returns_desk.domain.messages import say
from returns_desk.reports.files import WriteError
from returns_desk.reports.daily import ROW_COLUMNS, Scope, build_daily_report, recall_titles, snapshot_text
from returns_desk.services.clock import business_date, utc_now, utc_text
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo

WHOLE_STORE = repo.WHOLE_STORE
RECALL_ID = ROW_COLUMNS.index("recall_id")


class DailyReportService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    # --- helpers -------------------------------------------------------------------------

    def scope(self, counter: str | None = None) -> Scope:
        s = self.desk.settings
        return Scope(store_code=s["store_code"], store_name=s["store_name"], counter=counter or None, time_zone=s["time_zone"], currency=s.currency)

    def today(self) -> dt.date:
        return business_date(utc_now(), self.desk.settings["time_zone"])

    def _scope_text(self, counter: str | None, lang: str = "en") -> str:
        store = self.desk.settings["store_code"]
        return f"{store}/{counter}" if counter else f"{store} ({say('rpt_whole_store', lang)})"

    def _build(self, src: Any, day: dt.date, counter: str | None, *, kind: str, at: str, by: str, z_number: int | None = None) -> dict[str, Any]:
        # the day's rows and the report's entries are thousands of new tuples and dicts, none of
        # them garbage: the cycle collector's passes over them meanwhile would find nothing
        paused = gc.isenabled()
        gc.disable()
        try:
            return self._build_now(src, day, counter, kind=kind, at=at, by=by, z_number=z_number)
        finally:
            if paused:
                gc.enable()

    def _build_now(self, src: Any, day: dt.date, counter: str | None, *, kind: str, at: str, by: str, z_number: int | None) -> dict[str, Any]:
        scope = self.scope(counter)
        rows = repo.returns_for_day(src, day.isoformat(), scope.store_code, scope.counter, columns=ROW_COLUMNS)
        cumulative = repo.recall_progress(src, None, day.isoformat(), store=scope.store_code, counter=scope.counter)
        ids = {r[RECALL_ID] for r in rows} | {r["recall_id"] for r in cumulative}
        head = repo.audit_head(src)  # the paper anchor: where the audit chain stands (a Z freezes it)
        counter_work = repo.incidents_for_day(src, scope.store_code, day.isoformat(), scope.counter)
        report: dict[str, Any] = build_daily_report(
            rows,
            counter_work=counter_work,
            business_date=day.isoformat(),
            scope=scope,
            kind=kind,
            printed_at=at,
            printed_by=by,
            catalogue_version=self.desk.catalogue.version,
            titles=recall_titles(self.desk.catalogue, ids),
            cumulative=cumulative,
            z_number=z_number,
            audit_anchor=Anchor(*head).as_json() if head else None,
        )
        report["custody"] = self._custody(src, day)
        return report

    def _custody(self, src: Any, day: dt.date) -> dict[str, Any]:
        """The custody section (issue 14): the business day's bounds in UTC, store-wide figures."""
        from returns_desk.services.clock import zone
        from returns_desk.services.custody_service import CustodyService

        tz = zone(self.desk.settings["time_zone"])
        start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
        return CustodyService(self.desk).day_summary(src, utc_text(start), utc_text(start + dt.timedelta(days=1)))

    # --- reports -------------------------------------------------------------------------

    def x_report(self, day: dt.date, counter: str | None = None, *, by: str) -> dict[str, Any]:
        """The interim report, computed now from the returns log."""
        return self._build(self.desk.conn, day, counter, kind="X", at=utc_text(utc_now()), by=by)

    def closure(self, day: dt.date, counter: str | None = None) -> dict[str, Any] | None:
        """The Z of that day for this counter (or the whole store), if it was closed."""
        return repo.closure(self.desk.conn, self.desk.settings["store_code"], counter or WHOLE_STORE, day.isoformat())

    def close_day(self, day: dt.date, counter: str | None = None, *, manager: Actor) -> dict[str, Any]:
        """Close the business day: freeze the report as the next numbered Z for this counter
        (or the whole store). Returns recorded afterwards go to the next open business day.
        ``manager`` is a signed-in or PIN-approved manager (a name alone closes nothing).
        Raises InputError (a day not yet begun) or RefusedError (not a manager, already closed)."""
        if not isinstance(manager, Actor):
            raise TypeError("close_day needs the manager as an Actor (signed in or approved with a PIN)")
        manager.require("close_day")
        by = manager.name
        if day > self.today():
            raise InputError("close_future", field="date", date=day.isoformat())
        store = self.desk.settings["store_code"]
        key = counter or WHOLE_STORE
        at = utc_text(utc_now())
        with self.desk.conn.write() as db:
            for k in dict.fromkeys([key, WHOLE_STORE]):
                earlier = repo.closure(db, store, k, day.isoformat())
                if earlier:
                    raise RefusedError("day_already_closed", field="date", date=day.isoformat(), number=earlier["z_number"], scope=self._scope_text(None if k == WHOLE_STORE else k))
            number = repo.next_z_number(db, store, key)
            report = self._build(db, day, counter, kind="Z", at=at, by=by, z_number=number)
            text = snapshot_text(report)
            sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
            repo.insert_closure(db, store=store, counter=key, business_date=day.isoformat(), z_number=number, closed_at=at, closed_by=by, snapshot=text, sha256=sha)
            repo.audit(
                db, at=at, actor=by, action="day_closed", entity="closure", entity_id=f"{store}/{key}/Z{number}",
                details={"business_date": day.isoformat(), "counter": key, "z_number": number, "returns": report["totals"]["returns"], "sha256": sha},
            )
        return json.loads(text)

    def reprint(self, *, day: dt.date | None = None, counter: str | None = None, z_number: int | None = None) -> dict[str, Any]:
        """The frozen report of a Z, by business date or by Z number, exactly as closed."""
        store = self.desk.settings["store_code"]
        key = counter or WHOLE_STORE
        if z_number is not None:
            row = repo.closure_by_number(self.desk.conn, store, key, z_number)
        else:
            assert day is not None
            row = repo.closure(self.desk.conn, store, key, day.isoformat())
        if row is None:
            raise InputError("z_not_found", field="reprint", number=z_number if z_number is not None else (day.isoformat() if day else "?"), scope=self._scope_text(counter))
        return json.loads(row["snapshot"])

    def report(self, day: dt.date, counter: str | None = None, *, by: str) -> tuple[dict[str, Any], bool]:
        """What "print the daily report" means: the Z reprint when the day is closed, otherwise a
        fresh X. Returns (report, is_reprint)."""
        if self.closure(day, counter) is not None:
            return self.reprint(day=day, counter=counter), True
        return self.x_report(day, counter, by=by), False

    # --- output --------------------------------------------------------------------------

    def log_output(self, report: dict[str, Any], *, by: str, target: str, fmt: str = "pdf", reprint: bool = False) -> None:
        """Audit one print or export of a report (the caller has produced the output)."""
        at = utc_text(utc_now())
        kind = "reprint" if reprint else report["kind"]
        with self.desk.conn.write() as db:
            repo.audit(
                db, at=at, actor=by, action="report_printed", entity="daily_report",
                entity_id=f"{report['store_code']}/{report['counter'] or WHOLE_STORE}/{report['business_date']}",
                details={"kind": kind, "z_number": report.get("z_number"), "format": fmt, "target": target},
            )

    def write_pdf(
        self, report: dict[str, Any], path: str | Path, *, lang: str, by: str, page_size: str = "A4", reprint: bool = False
    ) -> Path:
        """Render the report to a PDF file and audit it. Qt is loaded only here."""
        from returns_desk.reports.html import daily_print
        from returns_desk.reports.printing import render_daily_pdf

        marker = {"at": utc_text(utc_now()), "by": by} if reprint else None
        try:
            out = render_daily_pdf(daily_print(report, lang, reprint=marker), path, page_size)
        except OSError as exc:
            raise WriteError("write_failed", path=str(path), detail=exc.strerror or str(exc)) from None
        self.log_output(report, by=by, target=str(out), fmt=f"pdf-{page_size}", reprint=reprint)
        return out


# --- customer slip and bag label ---------------------------------------------------------------


def slip_html(desk: Desk, entry: dict[str, Any], *, lang: str = "en", reprint: dict[str, str] | None = None) -> str:
    """The customer's return slip for a saved entry (as ``ReturnsService.record`` returns it);
    ``reprint`` (``at``, ``by``) marks a copy printed again."""
    from returns_desk.reports.slip import render_slip_html

    recall = desk.catalogue.recall(entry["recall_id"])
    title = recall.text("title", lang) if recall else entry["recall_id"]
    model = desk.catalogue.model(entry["model"])
    brand = model.brand_zh if model is not None and model.brand_zh and lang.startswith("zh") else None
    return render_slip_html(entry, store_name=desk.settings["store_name"], recall_title=title, lang=lang, time_zone=desk.settings["time_zone"],
                            brand_name=brand, reprint=reprint)


def write_slip_pdf(desk: Desk, entry: dict[str, Any], path: str | Path, *, page_size: str = "receipt80", lang: str = "en") -> Path:
    """The slip as a PDF on an 80 mm receipt roll (``receipt80``) or ``A6``."""
    from returns_desk.reports.printing import render_pdf

    return render_pdf(slip_html(desk, entry, lang=lang), path, page_size, lang=lang)


def bag_label(desk: Desk, entry: dict[str, Any], *, lang: str = "en", reprint: dict[str, str] | None = None) -> Any:
    """The bag label of a saved entry (:class:`returns_desk.reports.slip.Label`), with the recall's
    title; ``reprint`` (``at``, ``by``) marks a label printed again."""
    from returns_desk.reports.slip import bag_label as make

    recall = desk.catalogue.recall(entry["recall_id"])
    return make(entry, recall_title=recall.text("title", lang) if recall else "", lang=lang, reprint=reprint,
                time_zone=desk.settings["time_zone"])


def write_bag_label_pdf(desk: Desk, entry: dict[str, Any], path: str | Path, *, page_size: str = "A6", lang: str = "en") -> Path:
    """The bag label as a one-page PDF that fills the page (A6 by default)."""
    from returns_desk.reports.printing import render_label_pdf

    return render_label_pdf(bag_label(desk, entry, lang=lang), path, page_size)


def write_manifest_pdf(manifest: dict[str, Any], path: str | Path, *, lang: str = "en") -> Path:
    """The hand-over manifest (:meth:`CustodyService.manifest`) as an A4 PDF."""
    from returns_desk.reports.custody import manifest_html
    from returns_desk.reports.printing import render_pdf

    return render_pdf(manifest_html(manifest, lang), path, "A4", lang=lang)


def write_container_label_pdf(desk: Desk, container: dict[str, Any], path: str | Path, *, lang: str = "en") -> Path:
    from returns_desk.reports.custody import container_label
    from returns_desk.reports.printing import render_label_pdf

    return render_label_pdf(container_label(container, time_zone=desk.settings["time_zone"], lang=lang), path, "A6")
