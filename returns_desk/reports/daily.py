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

from returns_desk.domain.catalogue import Catalogue
from returns_desk.services.clock import zone as _zone
from returns_desk.domain.vocab import HAZARD, HAZARDOUS, INCIDENT_CONDITIONS, PENDING, REFUND, REMEDIES, REPLACEMENT, VOUCHER

REPORT_FORMAT = 1
REMEDY_ORDER = REMEDIES.codes
#: The figures of a recall's progress: units received, by remedy, and pending the manufacturer.
PROGRESS_FIGURES = ("received", *REMEDIES.codes, PENDING)


@dataclass(frozen=True)
class Scope:
    """Which returns a report covers and how it speaks about money and time."""

    store_code: str
    store_name: str
    counter: str | None  # None: the whole store
    time_zone: str
    currency: str


def _parse_utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_text(utc_text: str, zone_name: str, *, timespec: str = "seconds") -> str:
    """``2025-07-01T02:30:00.000000Z`` in Asia/Shanghai -> ``2025-07-01 10:30:00+08:00``."""
    return _parse_utc(utc_text).astimezone(_zone(zone_name)).isoformat(sep=" ", timespec=timespec)


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
        slot = out.setdefault(r["recall_id"], dict.fromkeys(PROGRESS_FIGURES, 0))
        slot["received"] += n
        slot[r["remedy"]] += n
        if r["confirmation"] == PENDING:
            slot[PENDING] += n
    return out


#: The columns of a return the report reads, in this order: :func:`build_daily_report` takes the
#: day's rows as tuples of these (the service asks the repository for exactly these columns).
ROW_COLUMNS = (
    "recorded_at", "ticket", "counter", "clerk", "override_by", "recall_id", "brand", "model", "serial",
    "batch_code", "condition", "remedy", "replacement_model", "amount_minor", "currency", "confirmation",
    "receipt", "notes", "override_reason", "duplicate_of", "status", "void_reason", "void_by", "void_at",
    "catalogue_version",
)


def rows_from_mappings(rows: Iterable[Mapping[str, Any]]) -> list[tuple]:
    """Rows held as dicts (a test, an import) as the tuples :func:`build_daily_report` takes."""
    return [tuple(r.get(c) for c in ROW_COLUMNS) for r in rows]


_MINUTES = tuple(f"{m:02d}" for m in range(60))


class _Clock:
    """Local "HH:MM" (or "MM-DD HH:MM" for a return recorded on an earlier calendar day) of UTC
    texts, worked out once per hour of UTC time rather than once per row: the texts of an hour's
    60 minutes are made together, into :attr:`minutes` (keyed by the text's first 16
    characters), when the hour's offset from UTC is the same at its first and last minute.
    Texts not in the canonical ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` form, and hours holding a zone
    transition, are converted one by one."""

    def __init__(self, zone: dt.tzinfo, business_date: str) -> None:
        self.zone = zone
        self.business_date = business_date
        self.minutes: dict[str, str] = {}
        self.hours: set[str] = set()
        self.canonical = True  # every text seen so far was in the canonical form

    def _text(self, when: dt.datetime) -> str:
        return when.strftime("%H:%M") if when.date().isoformat() == self.business_date else when.strftime("%m-%d %H:%M")

    def exact(self, utc_text: str) -> str:
        return self._text(_parse_utc(utc_text).astimezone(self.zone))

    def _fill(self, hour: str) -> None:
        self.hours.add(hour)
        try:
            first_utc = dt.datetime.fromisoformat(hour + ":00:00+00:00")
        except ValueError:
            return
        first = first_utc.astimezone(self.zone)
        last = (first_utc + dt.timedelta(minutes=59)).astimezone(self.zone)
        offset = first.utcoffset()
        if offset is None or offset != last.utcoffset() or offset.seconds % 60 or offset.microseconds:
            return
        if first.minute == 0:  # a whole-hour offset: the hour's minutes share one prefix
            prefix = self._text(first)[:-2]
            texts = [prefix + m for m in _MINUTES]
        else:
            texts = [self._text(first + dt.timedelta(minutes=m)) for m in range(60)]
        key = hour + ":"
        self.minutes.update(zip([key + m for m in _MINUTES], texts))

    def __call__(self, utc_text: str) -> str:
        if len(utc_text) != 27 or utc_text[26] != "Z" or utc_text[10] != "T" or utc_text[13] != ":":
            self.canonical = False
            return self.exact(utc_text)
        hit = self.minutes.get(utc_text[:16])
        if hit is None and utc_text[:13] not in self.hours:
            self._fill(utc_text[:13])
            hit = self.minutes.get(utc_text[:16])
        return hit if hit is not None else self.exact(utc_text)


def _new_slot() -> dict[str, int]:
    return dict.fromkeys(PROGRESS_FIGURES, 0)


def build_daily_report(
    rows: Sequence[Sequence[Any]],
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
    audit_anchor: Mapping[str, Any] | None = None,
    counter_work: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The report for one business day. ``rows`` are all of the day's returns (active and void)
    in recording order, as tuples of :data:`ROW_COLUMNS`; ``cumulative`` are grouped rows (see
    :func:`progress_table`) of every non-voided return up to and including the day. ``kind`` is
    ``"X"`` (interim) or ``"Z"``. ``audit_anchor`` (``event``, ``hash``) is where the audit chain
    stood when the report was made, printed on it as the paper anchor.

    One pass over the rows makes each entry of the detail list and counts the same row into the
    groups every figure is summed from, so no total can count a row the list does not show, or
    the other way round."""
    if kind not in ("X", "Z"):
        raise ValueError(f"kind must be X or Z, not {kind!r}")
    zone = _zone(scope.time_zone)
    day = dt.date.fromisoformat(business_date)
    day_start = dt.datetime.combine(day, dt.time(), zone)
    day_end = day_start + dt.timedelta(days=1)
    printed = _parse_utc(printed_at).astimezone(zone)
    clock = _Clock(zone, business_date)

    # one pass: each row becomes an entry of the detail list and is counted into two small
    # groupings (by what the figure tables need), from which every figure is then summed
    # (status, recall, model, brand, remedy, confirmation, condition, currency, replacement model,
    # catalogue version): the row's own values, what they mean (pending? hazardous?) is asked
    # once per group afterwards
    by_kind: dict[tuple, list[int]] = {}
    by_person: dict[tuple, list[int]] = {}  # (clerk, counter, status, remedy, currency, not overridden)
    entries: list[dict[str, Any]] = []
    voided: list[dict[str, Any]] = []
    overrides: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    incidents: list[dict[str, Any]] = []
    hazard_conditions = HAZARDOUS
    incident_conditions = INCIDENT_CONDITIONS
    minute_texts = clock.minutes

    for (recorded_at, ticket, counter, clerk, override_by, recall_id, brand, model, serial, batch_code, condition, remedy,
         replacement_model, minor, currency, confirmation, receipt, notes, override_reason, duplicate_of, status,
         void_reason, void_by, void_at, version) in rows:
        # the local time of a canonical UTC text, by its minute (see _Clock)
        when = minute_texts.get(recorded_at[:16]) if len(recorded_at) == 27 and recorded_at[26] == "Z" else None
        e = {
            "time": when or clock(recorded_at), "recorded_at": recorded_at, "ticket": ticket, "counter": counter, "clerk": clerk,
            "approver": override_by, "recall_id": recall_id, "brand": brand, "model": model, "serial": serial,
            "batch_code": batch_code, "condition": condition, "remedy": remedy, "replacement_model": replacement_model,
            "amount_minor": minor, "currency": currency, "confirmation": confirmation, "receipt": receipt, "notes": notes,
            "override_reason": override_reason, "duplicate_of": duplicate_of, "status": status, "void_reason": void_reason,
            "void_by": void_by, "void_at": void_at,
        }
        (entries if status == "active" else voided).append(e)
        key = (status, recall_id, model, brand, remedy, confirmation, condition, currency, replacement_model, version)
        group = by_kind.get(key)  # [count, amount in minor units], counted here (a call per row cost more)
        if group is None:
            by_kind[key] = [1, minor]
        else:
            group[0] += 1
            group[1] += minor
        person = (clerk, counter, status, remedy, currency, not override_reason)
        group = by_person.get(person)
        if group is None:
            by_person[person] = [1, minor]
        else:
            group[0] += 1
            group[1] += minor
        if override_reason:
            overrides.append(e)
        if duplicate_of:
            duplicates.append(e)
        if condition in incident_conditions:
            incidents.append(e)
    # the counter's incidents (hazardous units that stopped a return) and enquiries (not affected)
    stopped: list[dict[str, Any]] = []
    enquiries = 0
    for w in counter_work:
        if w["kind"] == HAZARD:
            stopped.append({"time": clock(w["recorded_at"]), "clerk": w["clerk"], "counter": w["counter"], "model_input": w["model_input"],
                            "model": w["model"], "condition": w["condition"], "action": w["action"], "notes": w["notes"]})
        else:
            enquiries += 1
    recall_ids = {k[1] for k in by_kind}
    versions = {k[9] for k in by_kind if k[9]}
    counters = {k[1] for k in by_person}

    refunds: dict[str, int] = {}
    vouchers: dict[str, int] = {}
    amount: dict[str, int] = {}
    void_value: dict[str, int] = {}
    replacement_models: dict[str, int] = {}
    counts = dict.fromkeys(REMEDIES.codes, 0)
    pending = hazardous = 0
    by_recall: dict[tuple[str, str], dict[str, Any]] = {}
    progress_day: dict[str, dict[str, int]] = {}
    # groups are in the order of their first row: a (recall, model) takes the brand of its first entry
    for (status, recall_id, model, brand, remedy, confirmation, condition, currency, replacement_model, _), (n, minor) in by_kind.items():
        is_pending, is_hazard = confirmation == PENDING, condition in hazard_conditions
        if status != "active":
            void_value[currency] = void_value.get(currency, 0) + minor
            continue
        counts[remedy] += n
        amount[currency] = amount.get(currency, 0) + minor
        if remedy == REFUND:
            refunds[currency] = refunds.get(currency, 0) + minor
        elif remedy == VOUCHER:
            vouchers[currency] = vouchers.get(currency, 0) + minor
        else:
            rkey = replacement_model or ""
            replacement_models[rkey] = replacement_models.get(rkey, 0) + n
        pending += n * is_pending
        hazardous += n * is_hazard
        slot = by_recall.get((recall_id, model))
        if slot is None:
            slot = by_recall[(recall_id, model)] = {
                "recall_id": recall_id, "brand": brand, "model": model, "units": 0,
                **dict.fromkeys(REMEDIES.codes, 0), PENDING: 0, "hazardous": 0, "value": {},
            }
        slot["units"] += n
        slot[remedy] += n
        slot[PENDING] += n * is_pending
        slot["hazardous"] += n * is_hazard
        slot["value"][currency] = slot["value"].get(currency, 0) + minor
        prog = progress_day.get(recall_id)
        if prog is None:
            prog = progress_day[recall_id] = _new_slot()
        prog["received"] += n
        prog[remedy] += n
        prog[PENDING] += n * is_pending

    by_clerk: dict[str, dict[str, Any]] = {}
    for (clerk, _, status, remedy, currency, not_overridden), (n, minor) in by_person.items():
        slot = by_clerk.get(clerk)
        if slot is None:
            slot = by_clerk[clerk] = {"clerk": clerk, "returns": 0, "units": 0, "refund_value": {}, "overrides": 0, "voids": 0}
        if status != "active":
            slot["voids"] += n
            continue
        slot["returns"] += n
        slot["units"] += n
        slot["overrides"] += 0 if not_overridden else n
        if remedy == REFUND:
            slot["refund_value"][currency] = slot["refund_value"].get(currency, 0) + minor

    totals = {
        "returns": len(entries),
        "units": len(entries),  # one unit per return entry
        "refunds": counts[REFUND],
        "refund_value": refunds,
        "replacements": counts[REPLACEMENT],
        "replacement_models": dict(sorted(replacement_models.items())),
        "vouchers": counts[VOUCHER],
        "voucher_value": vouchers,
        "value": amount,
        "pending": pending,
        "hazardous": hazardous,
        "voided": len(voided),
        "voided_value": void_value,
    }

    if not rows:
        first = day_start
    elif clock.canonical:  # one text form: the earliest text is the earliest moment
        first = _parse_utc(min(r[0] for r in rows)).astimezone(zone)
    else:
        first = min(_parse_utc(r[0]).astimezone(zone) for r in rows)
    if kind == "Z":
        end = printed
    else:
        end = min(max(printed, day_start), day_end)
    period_start = min(first, day_start)

    progress_all = progress_table(cumulative)
    progress = [
        {"recall_id": rid, "period": progress_day.get(rid), "cumulative": progress_all.get(rid)}
        for rid in sorted(set(progress_day) | set(progress_all))
    ]
    used_titles = set(progress_day) | set(progress_all) | recall_ids

    return {
        "format": REPORT_FORMAT,
        "kind": kind,
        "z_number": z_number,
        "store_code": scope.store_code,
        "store_name": scope.store_name,
        "counter": scope.counter,
        "counters": sorted(counters),
        "business_date": business_date,
        "time_zone": scope.time_zone,
        "currency": scope.currency,
        "period_start": period_start.isoformat(sep=" ", timespec="seconds"),
        "period_end": end.isoformat(sep=" ", timespec="seconds"),
        "printed_at": printed_at,
        "printed_by": printed_by,
        "catalogue_version": catalogue_version,
        "catalogue_versions_used": sorted(versions),
        "totals": totals,
        "by_recall": [by_recall[k] for k in sorted(by_recall)],
        "by_clerk": [by_clerk[k] for k in sorted(by_clerk)],
        "overrides": overrides,
        "duplicates": duplicates,
        "incidents": incidents,
        "stopped": stopped,
        "enquiries": enquiries,
        "entries": entries,
        "voided": voided,
        "progress": progress,
        "recalls": {rid: dict(titles.get(rid) or {"en": rid, "zh_CN": rid}) for rid in sorted(used_titles)},
        "audit_anchor": dict(audit_anchor) if audit_anchor else None,
    }


def snapshot_text(report: Mapping[str, Any]) -> str:
    """The canonical JSON of a report: what a Z stores and what a reprint reads back."""
    return json.dumps(report, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
