"""The daily return report as data: a pure function of the day's rows.

Every figure (totals, tables by recall and by clerk, exceptions) is computed here from the one
list of rows that the detail list shows, so the totals can never disagree with the detail
(refunds missing from shift reports is the classic bug). The result is a plain JSON-ready dict:
a Z (closed day) stores it verbatim and reprints render exactly that.

No Qt, no SQL: :mod:`returns_desk.reports.service` fetches the rows, this module counts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from returns_desk.domain.catalogue import Catalogue
from returns_desk.domain.returns import HAZARDOUS

REPORT_FORMAT = 1
#: Conditions reported as incidents (a hot or burnt unit is a fire risk at the counter).
INCIDENT_CONDITIONS = ("hot", "burnt")
REMEDY_ORDER = ("refund", "replacement", "voucher")


@dataclass(frozen=True)
class Scope:
    """Which returns a report covers and how it speaks about money and time."""

    store_code: str
    store_name: str
    counter: str | None  # None: the whole store
    time_zone: str
    currency: str


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def _parse_utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_text(utc_text: str, zone_name: str, *, timespec: str = "seconds") -> str:
    """``2025-07-01T02:30:00.000000Z`` in Asia/Shanghai -> ``2025-07-01 10:30:00+08:00``."""
    return _parse_utc(utc_text).astimezone(_zone(zone_name)).isoformat(sep=" ", timespec=timespec)


def _add(money: dict[str, int], currency: str, minor: int) -> None:
    money[currency] = money.get(currency, 0) + minor


def recall_titles(catalogue: Catalogue | None, ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Titles of the recalls in both languages, frozen into the report (a later catalogue may
    rename a recall; a Z reprint must still say what was printed)."""
    out: dict[str, dict[str, str]] = {}
    for rid in sorted(set(ids)):
        rec = catalogue.recall(rid) if catalogue else None
        out[rid] = {"en": rec.text("title", "en") if rec else rid, "zh_CN": rec.text("title", "zh_CN") if rec else rid}
    return out


def progress_table(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Recall programme progress from rows holding ``recall_id``, ``remedy``, ``confirmation`` and
    a count ``n`` (1 when missing): units received, refunded, replaced, vouchered, pending."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        n = int(r.get("n", 1))
        slot = out.setdefault(r["recall_id"], {"received": 0, "refund": 0, "replacement": 0, "voucher": 0, "pending": 0})
        slot["received"] += n
        slot[r["remedy"]] += n
        if r["confirmation"] == "pending":
            slot["pending"] += n
    return out


def _entry(r: Mapping[str, Any], zone_name: str, business_date: str) -> dict[str, Any]:
    when = _parse_utc(r["recorded_at"]).astimezone(_zone(zone_name))
    # a return recorded on an earlier calendar day (that day was already closed) shows its date
    time = when.strftime("%H:%M") if when.date().isoformat() == business_date else when.strftime("%m-%d %H:%M")
    return {
        "time": time,
        "recorded_at": r["recorded_at"],
        "ticket": r["ticket"],
        "counter": r["counter"],
        "clerk": r["clerk"],
        "approver": r.get("override_by"),
        "recall_id": r["recall_id"],
        "brand": r["brand"],
        "model": r["model"],
        "serial": r.get("serial"),
        "batch_code": r.get("batch_code"),
        "condition": r["condition"],
        "remedy": r["remedy"],
        "replacement_model": r.get("replacement_model"),
        "amount_minor": r["amount_minor"],
        "currency": r["currency"],
        "confirmation": r["confirmation"],
        "receipt": r.get("receipt"),
        "notes": r.get("notes"),
        "override_reason": r.get("override_reason"),
        "duplicate_of": r.get("duplicate_of"),
        "status": r["status"],
        "void_reason": r.get("void_reason"),
        "void_by": r.get("void_by"),
        "void_at": r.get("void_at"),
    }


def build_daily_report(
    rows: Sequence[Mapping[str, Any]],
    *,
    business_date: str,
    scope: Scope,
    kind: str,
    printed_at: str,
    printed_by: str,
    catalogue_version: str,
    titles: Mapping[str, Mapping[str, str]],
    cumulative: Iterable[Mapping[str, Any]] = (),
    z_number: int | None = None,
) -> dict[str, Any]:
    """The report for one business day. ``rows`` are all of the day's returns (active and void)
    in recording order; ``cumulative`` are grouped rows (see :func:`progress_table`) of every
    non-voided return up to and including the day. ``kind`` is ``"X"`` (interim) or ``"Z"``."""
    if kind not in ("X", "Z"):
        raise ValueError(f"kind must be X or Z, not {kind!r}")
    zone = _zone(scope.time_zone)
    day = dt.date.fromisoformat(business_date)
    day_start = dt.datetime.combine(day, dt.time(), zone)
    day_end = day_start + dt.timedelta(days=1)
    printed = _parse_utc(printed_at).astimezone(zone)

    active = [r for r in rows if r["status"] == "active"]
    voided = [r for r in rows if r["status"] != "active"]

    refunds: dict[str, int] = {}
    vouchers: dict[str, int] = {}
    amount: dict[str, int] = {}
    void_value: dict[str, int] = {}
    replacement_models: dict[str, int] = {}
    counts = {"refund": 0, "replacement": 0, "voucher": 0}
    for r in active:
        counts[r["remedy"]] += 1
        _add(amount, r["currency"], r["amount_minor"])
        if r["remedy"] == "refund":
            _add(refunds, r["currency"], r["amount_minor"])
        elif r["remedy"] == "voucher":
            _add(vouchers, r["currency"], r["amount_minor"])
        else:
            key = r.get("replacement_model") or ""
            replacement_models[key] = replacement_models.get(key, 0) + 1
    for r in voided:
        _add(void_value, r["currency"], r["amount_minor"])

    totals = {
        "returns": len(active),
        "units": len(active),  # one unit per return entry
        "refunds": counts["refund"],
        "refund_value": refunds,
        "replacements": counts["replacement"],
        "replacement_models": dict(sorted(replacement_models.items())),
        "vouchers": counts["voucher"],
        "voucher_value": vouchers,
        "value": amount,
        "pending": sum(1 for r in active if r["confirmation"] == "pending"),
        "hazardous": sum(1 for r in active if r["condition"] in HAZARDOUS),
        "voided": len(voided),
        "voided_value": void_value,
    }

    by_recall: dict[tuple[str, str], dict[str, Any]] = {}
    for r in active:
        slot = by_recall.setdefault(
            (r["recall_id"], r["model"]),
            {"recall_id": r["recall_id"], "brand": r["brand"], "model": r["model"], "units": 0,
             "refund": 0, "replacement": 0, "voucher": 0, "pending": 0, "hazardous": 0, "value": {}},
        )
        slot["units"] += 1
        slot[r["remedy"]] += 1
        slot["pending"] += r["confirmation"] == "pending"
        slot["hazardous"] += r["condition"] in HAZARDOUS
        _add(slot["value"], r["currency"], r["amount_minor"])

    by_clerk: dict[str, dict[str, Any]] = {}
    for r in rows:
        slot = by_clerk.setdefault(r["clerk"], {"clerk": r["clerk"], "returns": 0, "units": 0, "refund_value": {}, "overrides": 0, "voids": 0})
        if r["status"] == "active":
            slot["returns"] += 1
            slot["units"] += 1
            if r["remedy"] == "refund":
                _add(slot["refund_value"], r["currency"], r["amount_minor"])
            slot["overrides"] += bool(r.get("override_reason"))
        else:
            slot["voids"] += 1

    entries = [_entry(r, scope.time_zone, business_date) for r in rows]
    first = min((_parse_utc(r["recorded_at"]).astimezone(zone) for r in rows), default=day_start)
    if kind == "Z":
        end = printed
    else:
        end = min(max(printed, day_start), day_end)
    period_start = min(first, day_start)

    progress_day = progress_table(
        {"recall_id": r["recall_id"], "remedy": r["remedy"], "confirmation": r["confirmation"]} for r in active
    )
    progress_all = progress_table(cumulative)
    progress = [
        {"recall_id": rid, "period": progress_day.get(rid), "cumulative": progress_all.get(rid)}
        for rid in sorted(set(progress_day) | set(progress_all))
    ]
    used_titles = set(progress_day) | set(progress_all) | {r["recall_id"] for r in rows}

    return {
        "format": REPORT_FORMAT,
        "kind": kind,
        "z_number": z_number,
        "store_code": scope.store_code,
        "store_name": scope.store_name,
        "counter": scope.counter,
        "counters": sorted({r["counter"] for r in rows}),
        "business_date": business_date,
        "time_zone": scope.time_zone,
        "currency": scope.currency,
        "period_start": period_start.isoformat(sep=" ", timespec="seconds"),
        "period_end": end.isoformat(sep=" ", timespec="seconds"),
        "printed_at": printed_at,
        "printed_by": printed_by,
        "catalogue_version": catalogue_version,
        "catalogue_versions_used": sorted({r["catalogue_version"] for r in rows if r.get("catalogue_version")}),
        "totals": totals,
        "by_recall": [by_recall[k] for k in sorted(by_recall)],
        "by_clerk": [by_clerk[k] for k in sorted(by_clerk)],
        "overrides": [e for e in entries if e["override_reason"]],
        "duplicates": [e for e in entries if e["duplicate_of"]],
        "incidents": [e for e in entries if e["condition"] in INCIDENT_CONDITIONS],
        "entries": [e for e in entries if e["status"] == "active"],
        "voided": [e for e in entries if e["status"] != "active"],
        "progress": progress,
        "recalls": {rid: dict(titles.get(rid) or {"en": rid, "zh_CN": rid}) for rid in sorted(used_titles)},
    }


def snapshot_text(report: Mapping[str, Any]) -> str:
    """The canonical JSON of a report: what a Z stores and what a reprint reads back."""
    return json.dumps(report, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
