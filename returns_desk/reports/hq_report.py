"""The store's daily report at head office: every counter of the store, from head office's
PostgreSQL, computed by the same ``build_daily_report`` as a counter's own report (so the store's
figures are its counters' figures, row for row), plus a line per counter saying up to when its
data has arrived."""

from __future__ import annotations

import datetime as dt
from typing import Any

from returns_desk import paths
from returns_desk.domain.catalogue import parse_catalogue
from returns_desk.headoffice import pg
from returns_desk.reports.daily import ROW_COLUMNS, Scope, build_daily_report, recall_titles
from returns_desk.services.clock import utc_now, utc_text

RECALL_ID = ROW_COLUMNS.index("recall_id")


def store_daily_report(admin_dsn: str, store: str, day: dt.date, *, by: str) -> dict[str, Any]:
    """The X report of one store and business day across all its counters, as head office holds
    it now. ``arrival`` lists each counter with the last event and return that have arrived."""
    catalogue = parse_catalogue(paths.seed_path().read_text(encoding="utf-8-sig"), track_lines=False)
    with pg.connect(admin_dsn) as hc:
        rows = pg.store_day_rows(hc, store, day.isoformat(), ROW_COLUMNS)
        cumulative = pg.store_recall_progress(hc, store, day.isoformat())
        zone = pg.store_zone(hc, store) or ("Asia/Shanghai", "CNY")
        arrival = pg.store_counters(hc, store)
    ids = {r[RECALL_ID] for r in rows} | {r["recall_id"] for r in cumulative}
    report = build_daily_report(
        rows,
        business_date=day.isoformat(),
        scope=Scope(store_code=store, store_name=store, counter=None, time_zone=zone[0], currency=zone[1]),
        kind="X",
        printed_at=utc_text(utc_now()),
        printed_by=by,
        catalogue_version=catalogue.version,
        titles=recall_titles(catalogue, ids),
        cumulative=cumulative,
    )
    report["by_counter"] = by_counter(report, arrival)
    return report


def by_counter(report: dict[str, Any], arrival: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A line per counter: its figures of the day (from the same entries as the totals) and up to
    when its data has arrived (the last return received from it, its last sync, its clock)."""
    slots: dict[str, dict[str, Any]] = {}

    def slot(counter: str) -> dict[str, Any]:
        return slots.setdefault(counter, {"counter": counter, "returns": 0, "refund_value": {}, "value": {}, "voided": 0,
                                          "latest_return_at": None, "last_seen": None, "acked_seq": 0, "clock_flagged": False})

    for e in report["entries"]:
        s = slot(e["counter"])
        s["returns"] += 1
        s["value"][e["currency"]] = s["value"].get(e["currency"], 0) + e["amount_minor"]
        if e["remedy"] == "refund":
            s["refund_value"][e["currency"]] = s["refund_value"].get(e["currency"], 0) + e["amount_minor"]
    for e in report["voided"]:
        slot(e["counter"])["voided"] += 1
    for a in arrival:
        s = slot(a["counter"] or "?")
        for key in ("latest_return_at", "last_seen"):
            if a[key] and (s[key] is None or a[key] > s[key]):
                s[key] = a[key]
        s["acked_seq"] += int(a["acked_seq"] or 0)
        s["clock_flagged"] = s["clock_flagged"] or bool(a["clock_flagged"])
    return [slots[k] for k in sorted(slots)]
