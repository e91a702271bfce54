"""The data of a tally export: groups of non-voided returns with count and amount, totals per
currency, and the recall programme progress for the period and cumulative. Pure functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from returns_desk.domain.money import format_amount
from returns_desk.reports.daily import PROGRESS_FIGURES

#: Keys a tally can be grouped by, as the command line spells them (``--group-by``).
GROUP_KEYS = ("day", "store", "counter", "clerk", "brand", "model", "recall", "remedy")
DEFAULT_GROUP_BY = ("model", "remedy")
#: Stable English column names of CSV and XLSX files after the group keys, whatever the language.
VALUE_COLUMNS = ("count", "amount", "currency")
PROGRESS_KEYS = PROGRESS_FIGURES
PROGRESS_COLUMNS = ("recall_id", "title") + tuple(f"period_{k}" for k in ("received", "refunded", "replaced", "vouchered", "pending")) + tuple(
    f"cumulative_{k}" for k in ("received", "refunded", "replaced", "vouchered", "pending")
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def parse_group_by(text: str) -> tuple[str, ...]:
    """``"model,remedy"`` -> ("model", "remedy"). Raises ValueError naming the bad key."""
    keys = tuple(k.strip().lower() for k in text.split(",") if k.strip())
    for k in keys:
        if k not in GROUP_KEYS:
            raise ValueError(f"unknown group key {k!r} (use {', '.join(GROUP_KEYS)})")
    if len(set(keys)) != len(keys):
        raise ValueError("a group key is given twice")
    return keys


def guard_cell(value: Any) -> Any:
    """CSV injection guard: a text cell a spreadsheet would read as a formula gets a leading
    apostrophe. Numbers are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Tally:
    date_from: dt.date
    date_to: dt.date
    group_by: tuple[str, ...]
    rows: tuple[Mapping[str, Any], ...]  # group keys + count, amount_minor, currency
    progress: tuple[Mapping[str, Any], ...] = ()  # recall_id, period {...}, cumulative {...}
    titles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    generated_at: str = ""
    generated_by: str = ""
    store: str = ""

    def totals(self) -> list[dict[str, Any]]:
        """Count and amount per currency (one entry per currency present)."""
        out: dict[str, dict[str, Any]] = {}
        for r in self.rows:
            slot = out.setdefault(r["currency"], {"currency": r["currency"], "count": 0, "amount_minor": 0})
            slot["count"] += r["count"]
            slot["amount_minor"] += r["amount_minor"] or 0
        return [out[c] for c in sorted(out)]

    def table(self) -> list[list[Any]]:
        """Rows as the CSV and XLSX files hold them: group values, count, amount text, currency."""
        return [
            [r[k] for k in self.group_by] + [r["count"], format_amount(r["amount_minor"] or 0, r["currency"]), r["currency"]]
            for r in self.rows
        ]

    def header(self) -> list[str]:
        return list(self.group_by) + list(VALUE_COLUMNS)

    def progress_table(self, lang: str = "en") -> list[list[Any]]:
        rows = []
        for p in self.progress:
            title = (self.titles.get(p["recall_id"]) or {}).get(lang) or p["recall_id"]
            period = p.get("period") or {}
            cum = p.get("cumulative") or {}
            rows.append([p["recall_id"], title] + [period.get(k, 0) for k in PROGRESS_KEYS] + [cum.get(k, 0) for k in PROGRESS_KEYS])
        return rows


def merge_progress(period: Mapping[str, Mapping[str, int]], cumulative: Mapping[str, Mapping[str, int]]) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"recall_id": rid, "period": period.get(rid), "cumulative": cumulative.get(rid)} for rid in sorted(set(period) | set(cumulative))
    )


def build_tally(
    rows: Iterable[Mapping[str, Any]],
    *,
    date_from: dt.date,
    date_to: dt.date,
    group_by: Sequence[str],
    progress: Sequence[Mapping[str, Any]] = (),
    titles: Mapping[str, Mapping[str, str]] | None = None,
    generated_at: str = "",
    generated_by: str = "",
    store: str = "",
) -> Tally:
    keep = list(group_by) + ["count", "amount_minor", "currency"]
    return Tally(
        date_from=date_from,
        date_to=date_to,
        group_by=tuple(group_by),
        rows=tuple({k: r.get(k) for k in keep} for r in rows),
        progress=tuple(progress),
        titles=dict(titles or {}),
        generated_at=generated_at,
        generated_by=generated_by,
        store=store,
    )
