"""The store's daily report at head office: every counter of the store, from head office's
PostgreSQL, computed by the same ``build_daily_report`` as a counter's own report (so the store's
figures are its counters' figures, row for row), plus a line per counter saying up to when its
data has arrived."""

from __future__ import annotations

import datetime as dt
from typing import Any

from returns_desk import paths
from returns_desk.domain.catalogue import Catalogue, parse_catalogue
from returns_desk.domain.vocab import REFUND, REPLACEMENT, VOUCHER
from returns_desk.headoffice import pg
from returns_desk.reports.daily import (
    ROW_COLUMNS,
    Scope,
    build_daily_report,
    recall_titles,
)
from returns_desk.services.clock import utc_now, utc_text

RECALL_ID = ROW_COLUMNS.index("recall_id")


def store_daily_report(dsn: str, store: str, day: dt.date, *, by: str) -> dict[str, Any]:
    """The X report of one store and business day across all its counters, as head office holds
    it now (``dsn``: head office's administrator or a reader of that store). ``by_counter`` has a
    line per counter with the last return and sync that have arrived from it."""
    with pg.connect(dsn) as hc:
        return store_daily_report_on(hc, store, day, by=by)


def store_daily_report_on(hc: Any, store: str, day: dt.date, *, by: str) -> dict[str, Any]:
    """:func:`store_daily_report` on an open head-office connection."""
    cat = catalogue_on(hc)
    rows = pg.store_day_rows(hc, store, day.isoformat(), ROW_COLUMNS)
    cumulative = pg.store_recall_progress(hc, store, day.isoformat())
    zone = pg.store_zone(hc, store) or ("Asia/Shanghai", "CNY")
    arrival = pg.store_counters(hc, store)
    counter_work = pg.store_day_incidents(hc, store, day.isoformat())
    ids = {r[RECALL_ID] for r in rows} | {r["recall_id"] for r in cumulative}
    report = build_daily_report(
        rows,
        counter_work=counter_work,
        business_date=day.isoformat(),
        scope=Scope(store_code=store, store_name=store, counter=None, time_zone=zone[0], currency=zone[1]),
        kind="X",
        printed_at=utc_text(utc_now()),
        printed_by=by,
        catalogue_version=cat.version,
        titles=recall_titles(cat, ids),
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
        if e["remedy"] == REFUND:
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


_PARSED: dict[str, Catalogue] = {}  # by the document's checksum: parsed once per process


def catalogue_on(hc: Any) -> Catalogue:
    """The newest catalogue head office published, else the one shipped with this Returns Desk
    (the recall titles of head office's reports)."""
    sha = pg.newest_catalogue_sha(hc)
    key = sha or "shipped"
    if key not in _PARSED:
        text = pg.catalogue_document(hc, sha) if sha else None
        _PARSED[key] = parse_catalogue(text or paths.seed_path().read_text(encoding="utf-8-sig"), track_lines=False)
    return _PARSED[key]


def catalogue(dsn: str) -> Catalogue:
    with pg.connect(dsn) as hc:
        return catalogue_on(hc)


#: The figures of the chain's recall progress report, per store, for the period and cumulative.
PROGRESS_FIGURES = ("received", "refunded", "replaced", "vouchered", "confirmed", "rejected", "pending", "hazardous", "voided")


def _figures(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        f = out.setdefault(r["store"], dict.fromkeys(PROGRESS_FIGURES, 0))
        n = int(r["n"])
        if r["status"] != "active":
            f["voided"] += n
            continue
        f["received"] += n
        f[{REFUND: "refunded", REPLACEMENT: "replaced", VOUCHER: "vouchered"}[r["remedy"]]] += n
        if r["confirmation"] in ("confirmed", "rejected", "pending"):
            f[r["confirmation"]] += n
        if r["hazardous"]:
            f["hazardous"] += n
    return out


def chain_progress(admin_dsn: str, recall: str, date_from: dt.date | None, date_to: dt.date, *, by: str) -> dict[str, Any]:
    """``hq progress``: one recall across the chain in the shape a regulator's monthly progress
    report asks for — units taken back at the counters, refunded / replaced / vouchered,
    confirmed / rejected / pending with the manufacturer, hazardous, voided — for the period and
    cumulative, by store, with the chain's total."""
    with pg.connect(admin_dsn) as hc:
        period = _figures(pg.recall_progress(hc, date_from.isoformat() if date_from else None, date_to.isoformat(), recall=recall))
        cumulative = _figures(pg.recall_progress(hc, None, date_to.isoformat(), recall=recall))
    empty = dict.fromkeys(PROGRESS_FIGURES, 0)
    stores: list[dict[str, Any]] = [
        {"store": s, "period": period.get(s, dict(empty)), "cumulative": cumulative.get(s, dict(empty))}
        for s in sorted(set(period) | set(cumulative))
    ]
    total = {part: {k: sum(s[part][k] for s in stores) for k in PROGRESS_FIGURES} for part in ("period", "cumulative")}
    cat = catalogue(admin_dsn)
    titles = recall_titles(cat, [recall])
    found = next((r for r in cat.recalls if r.id == recall), None)
    return {
        "recall_id": recall, "title": titles.get(recall) or {"en": recall, "zh_CN": recall},
        "authority": {"en": found.text("authority", "en"), "zh_CN": found.text("authority", "zh_CN")} if found else None,
        "official_number": found.official_number if found else None, "units_affected": found.units if found else None,
        "date_from": date_from.isoformat() if date_from else None, "date_to": date_to.isoformat(),
        "stores": stores, "total": total, "generated_at": utc_text(utc_now()), "generated_by": by,
    }
