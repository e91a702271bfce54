"""Custody of recalled units: quarantine containers and the rules for what goes into them
(BATTERY_HANDLING.md §5.3–5.4). Pure: no Qt, no SQL.

A container is *intact* (recalled units that look undamaged) or *damaged* (damaged/defective,
packed as the DDR kit requires). A unit that is not intact goes only into a damaged container;
each unit is in at most one container; a voided entry goes into none; a sealed container takes
nothing more. Its estimated energy is the sum over its units of the model's published capacity
× the nominal cell voltage; a unit whose capacity is not published counts as unknown, never as a
guess.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from returns_desk.domain.catalogue import Catalogue
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.messages import say
from returns_desk.domain.vocab import CONTAINER_TYPES as _CONTAINER_VOCAB
from returns_desk.domain.vocab import DAMAGED_CONTAINER, HAZARDOUS, INTACT

CONTAINER_TYPES = _CONTAINER_VOCAB.codes
#: The nominal voltage of a lithium-ion cell, used to turn a published mAh rating into Wh when
#: the catalogue gives no voltage of its own for the model (3.6–3.7 V is what power-bank labels
#: print: 20,000 mAh / 72–74 Wh). A model's own ``nominal_voltage_v``, when the catalogue has one, wins.
NOMINAL_VOLTAGE_V = 3.7
#: "Near its limit": this share of the unit limit or more.
NEAR_LIMIT = 0.8
LOCATION_MAX = 200


def container_type_for(condition: str) -> str:
    """The container type a unit in this condition needs at least (an intact unit may also go
    into a damaged container)."""
    return DAMAGED_CONTAINER if condition in HAZARDOUS else INTACT


def check_new_container(kind: str, location: str | None, limit_units: int | None, limit_wh: float | None = None) -> str:
    """The cleaned location; raises InputError for a bad type, location or limit."""
    if kind not in CONTAINER_TYPES:
        raise InputError("container_type_invalid", field="type")
    text = " ".join((location or "").split())
    if not text or len(text) > LOCATION_MAX or not text.isprintable():
        raise InputError("container_location_required", field="location")
    if limit_units is not None and (isinstance(limit_units, bool) or limit_units < 1):
        raise InputError("container_limit_invalid", field="limit_units")
    if limit_wh is not None and not (isinstance(limit_wh, int | float) and 0 < limit_wh < 1e9):
        raise InputError("container_limit_wh_invalid", field="limit_wh")
    return text


@dataclass(frozen=True)
class ContainerState:
    code: str
    type: str
    sealed: bool
    handed_over: bool
    limit_units: int | None
    count: int
    limit_wh: float | None = None
    wh: float = 0.0  # estimated Wh of the units of known capacity in it


def check_can_add(container: ContainerState, unit: Mapping[str, Any], in_container: str | None, unit_wh: float | None = None) -> None:
    """Raises RefusedError when ``unit`` (a return row) may not go into ``container``.
    ``in_container`` is the code of the container already holding it, if any; ``unit_wh`` its
    estimated Wh (None: unknown, and then the Wh limit cannot refuse it)."""
    ticket = unit["ticket"]
    if container.sealed or container.handed_over:
        raise RefusedError("container_sealed", field="container", container=container.code)
    if unit["status"] == "void":
        raise RefusedError("unit_void", field="ticket", ticket=ticket)
    if in_container is not None:
        raise RefusedError("unit_in_container", field="ticket", ticket=ticket, container=in_container)
    if container_type_for(unit["condition"]) == DAMAGED_CONTAINER and container.type != DAMAGED_CONTAINER:
        raise RefusedError("container_wrong_type", field="ticket", ticket=ticket, container=container.code)
    if container.limit_units is not None and container.count >= container.limit_units:
        raise RefusedError("container_full", field="container", container=container.code, limit=container.limit_units)
    if container.limit_wh is not None and unit_wh is not None and container.wh + unit_wh > container.limit_wh + 1e-9:
        raise RefusedError("container_full_wh", field="container", container=container.code, limit=f"{container.limit_wh:g}",
                           wh=f"{container.wh:.1f}", unit=f"{unit_wh:.1f}")


def check_can_seal(container: ContainerState) -> None:
    if container.sealed:
        raise RefusedError("container_already_sealed", field="container", container=container.code)
    if container.count == 0:
        raise RefusedError("container_empty", field="container", container=container.code)


def check_can_hand_over(container: ContainerState, handed_over_at: str | None, *, to: str, reference: str, packed_by: str) -> None:
    if handed_over_at:
        raise RefusedError("container_already_handed_over", field="container", container=container.code, date=handed_over_at[:10])
    if not container.sealed:
        raise RefusedError("container_not_sealed", field="container", container=container.code)
    for value, key in ((to, "handover_to_required"), (reference, "handover_reference_required"), (packed_by, "packed_by_required")):
        if not value:
            raise InputError(key, field=key.removesuffix("_required"))


def unit_wh(catalogue: Catalogue, model: str) -> float | None:
    """Estimated Wh of one unit of ``model``: published capacity × nominal voltage; None when
    the capacity is not published."""
    m = catalogue.model(model)
    mah = m.capacity_mah if m is not None else None
    if not mah:
        return None
    volts = getattr(m, "nominal_voltage_v", None) or NOMINAL_VOLTAGE_V
    return mah * float(volts) / 1000.0


@dataclass(frozen=True)
class Energy:
    """Estimated Wh of a set of units: the sum over those of known capacity, and how many are unknown."""

    known_wh: float = 0.0
    unknown: int = 0
    units: int = 0

    def text(self, unknown_word: str) -> str:
        """``72.0 Wh``; ``≥ 72.0 Wh (+2 unknown)`` when some are unknown; the unknown word alone when all are."""
        if self.units and self.unknown == self.units:
            return unknown_word
        base = f"{self.known_wh:,.1f} Wh"
        return f"≥ {base} (+{self.unknown} {unknown_word})" if self.unknown else base


def energy(catalogue: Catalogue, models: Iterable[str]) -> Energy:
    known, unknown, units = 0.0, 0, 0
    cache: dict[str, float | None] = {}
    for model in models:
        units += 1
        if model not in cache:
            cache[model] = unit_wh(catalogue, model)
        wh = cache[model]
        if wh is None:
            unknown += 1
        else:
            known += wh
    return Energy(round(known, 3), unknown, units)


@dataclass(frozen=True)
class Alert:
    """Something about custody that needs a person: a message key with its arguments."""

    kind: str  # near_limit | too_old | not_contained | wrong_type | void_in_container | missing_units
    key: str
    args: dict[str, Any] = field(default_factory=dict)


def container_alerts(c: Mapping[str, Any], count: int, now: dt.datetime, max_age_days: int, wh: float | None = None) -> list[Alert]:
    """Alerts for one container (a ``containers`` row with its current unit count and, when
    known, the estimated Wh of its units)."""
    out: list[Alert] = []
    if c.get("handed_over_at"):
        expected = c.get("handover_count")
        if expected is not None and expected != count:
            out.append(Alert("missing_units", "alert_missing_units", {"container": c["code"], "expected": expected, "count": count}))
        return out
    limit = c.get("limit_units")
    if limit and not c.get("sealed_at") and count >= NEAR_LIMIT * limit:
        out.append(Alert("near_limit", "alert_near_limit", {"container": c["code"], "count": count, "limit": limit}))
    limit_wh = c.get("limit_wh")
    if limit_wh and wh is not None and not c.get("sealed_at") and wh >= NEAR_LIMIT * limit_wh:
        out.append(Alert("near_limit", "alert_near_limit_wh", {"container": c["code"], "wh": f"{wh:.1f}", "limit": f"{limit_wh:g}"}))
    opened = parse_utc(c["opened_at"])
    days = (now - opened).days
    if max_age_days > 0 and days > max_age_days:
        out.append(Alert("too_old", "alert_too_old", {"container": c["code"], "days": days, "max": max_age_days}))
    return out


def alert_text(alert: Alert, lang: str) -> str:
    """The alert in ``lang``, with a unit's condition in words."""
    args = dict(alert.args)
    if "condition" in args:
        args["condition"] = say(f"cond_{args['condition']}", lang)
    return say(alert.key, lang, **args)


def parse_utc(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def hours_since(text: str, now: dt.datetime) -> int:
    return int((now - parse_utc(text)).total_seconds() // 3600)
