"""Custody of recalled units as use cases, the same for the window and the command line: open a
quarantine container (manager), put units in (any clerk), seal it and hand it over (manager),
the container list with estimated Wh and alerts, and the reconciliation report.

Every action is one write transaction with its own audit event (``container_opened``,
``container_unit_added``, ``container_sealed``, ``container_handed_over``,
``manifest_reprinted``, ``clerk_training_set``); the rules are in :mod:`returns_desk.domain.custody`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from returns_desk.domain import custody as rules
from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import InputError
from returns_desk.domain.returns import clean_text
from returns_desk.services.clock import utc_now, utc_text
from returns_desk.services.desk import Desk
from returns_desk.storage import custody_repo as crepo
from returns_desk.storage import repository as repo

#: How many units of a discrepancy list the report names (the count is always complete).
LIST_LIMIT = 200


def _state(row: dict[str, Any], wh: float = 0.0) -> rules.ContainerState:
    return rules.ContainerState(
        code=row["code"], type=row["type"], sealed=row["sealed_at"] is not None, handed_over=row["handed_over_at"] is not None,
        limit_units=row["limit_units"], count=int(row["count"]), limit_wh=row.get("limit_wh"), wh=wh,
    )


def state_word(row: dict[str, Any]) -> str:
    if row.get("handed_over_at"):
        return "handed_over"
    return "sealed" if row.get("sealed_at") else "open"


class CustodyService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    # --- settings ------------------------------------------------------------------------

    def _int_setting(self, key: str, default: int) -> int:
        try:
            return max(0, int(self.desk.settings[key]))
        except ValueError:
            return default

    @property
    def max_age_days(self) -> int:
        return self._int_setting("max_quarantine_days", 30)

    @property
    def alert_hours(self) -> int:
        return self._int_setting("custody_alert_hours", 24)

    # --- actions -------------------------------------------------------------------------

    def _container(self, db: Any, code: str) -> dict[str, Any]:
        row = crepo.container_by_code(db, code or "")
        if row is None:
            raise InputError("container_not_found", field="container", container=(code or "").strip())
        return row

    def open_container(self, kind: str, location: str, *, limit_units: int | None = None, limit_wh: float | None = None,
                       by: Actor) -> dict[str, Any]:
        """A new quarantine container (manager); returns it with its new code. ``limit_wh``: the
        estimated Wh its kit may hold (units of unknown capacity cannot be counted against it)."""
        by.require("custody")
        place = rules.check_new_container(kind, location, limit_units, limit_wh)
        now = utc_text(utc_now())
        store = self.desk.settings["store_code"]
        with self.desk.conn.write() as db:
            code = crepo.next_container_code(db, store)
            crepo.insert_container(db, {
                "code": code, "store": store, "type": kind, "location": place, "limit_units": limit_units,
                "limit_wh": float(limit_wh) if limit_wh is not None else None, "opened_at": now, "opened_by": by.name,
            })
            repo.audit(db, at=now, actor=by.name, action="container_opened", entity="container", entity_id=code,
                       details={"type": kind, "location": place, "limit_units": limit_units, "limit_wh": limit_wh})
        return self.container(code)

    def add(self, code: str, ticket: str, *, by: Actor) -> dict[str, Any]:
        """Put the unit of ``ticket`` into container ``code`` (any clerk). Refused (nothing
        written) for a sealed container, a voided entry, a unit already in a container, a
        damaged unit in an intact-type container or a full container."""
        return self.add_many(code, [ticket], by=by)

    def add_many(self, code: str, tickets: list[str], *, by: Actor) -> dict[str, Any]:
        """Several units into one container in one transaction: all of them, or none."""
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            container = self._container(db, code)
            count = int(container["count"])
            wh = self._energy(db, container["id"]).known_wh
            for raw in tickets:
                ticket = (raw or "").strip()
                unit = repo.return_by_ticket(db, ticket)
                if unit is None:
                    raise InputError("ticket_not_found", field="ticket", ticket=ticket)
                unit_wh = rules.unit_wh(self.desk.catalogue, unit["model"])
                rules.check_can_add(_state({**container, "count": count}, wh), unit, crepo.container_of_return(db, unit["uuid"]), unit_wh)
                crepo.insert_unit(db, container_id=container["id"], return_uuid=unit["uuid"], ticket=unit["ticket"], added_at=now, added_by=by.name)
                repo.audit(db, at=now, actor=by.name, action="container_unit_added", entity="container", entity_id=container["code"],
                           details={"ticket": unit["ticket"], "return_uuid": unit["uuid"], "condition": unit["condition"]})
                count += 1
                wh += unit_wh or 0.0
        return self.container(container["code"])

    def _energy(self, src: Any, container_id: int) -> rules.Energy:
        return rules.energy(self.desk.catalogue, (u["model"] for u in crepo.units_in(src, container_id)))

    def seal(self, code: str, *, by: Actor) -> dict[str, Any]:
        """Seal a container (manager): it takes nothing more."""
        by.require("custody")
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            container = self._container(db, code)
            rules.check_can_seal(_state(container))
            crepo.seal(db, container["id"], at=now, by=by.name)
            repo.audit(db, at=now, actor=by.name, action="container_sealed", entity="container", entity_id=container["code"],
                       details={"count": int(container["count"])})
        return self.container(container["code"])

    def hand_over(
        self, code: str, *, to: str, reference: str, packed_by: str, by: Actor,
        write_manifest: Callable[[dict[str, Any]], Any] | None = None,
    ) -> dict[str, Any]:
        """Hand a sealed container to a carrier or recycler (manager). ``write_manifest`` is
        called with the manifest (see :meth:`manifest`) inside the transaction: when it fails,
        nothing is recorded."""
        by.require("custody")
        to_c, ref_c, packed_c = (clean_text(v, "clerk") or "" for v in (to, reference, packed_by))
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            container = self._container(db, code)
            rules.check_can_hand_over(_state(container), container["handed_over_at"], to=to_c, reference=ref_c, packed_by=packed_c)
            trained = crepo.clerk_training(db, packed_c)
            count = int(container["count"])
            crepo.hand_over(db, container["id"], at=now, by=by.name, to=to_c, reference=ref_c, packed_by=packed_c, trained_on=trained, count=count)
            manifest = self._manifest(db, container["code"])
            repo.audit(db, at=now, actor=by.name, action="container_handed_over", entity="container", entity_id=container["code"],
                       details={"to": to_c, "reference": ref_c, "packed_by": packed_c, "trained_on": trained, "count": count,
                                "tickets": [u["ticket"] for u in manifest["units"]]})
            if write_manifest is not None:
                write_manifest(manifest)
        return self.container(container["code"])

    def reprint_manifest(self, code: str, *, by: Actor, write_manifest: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
        """The manifest of a container already handed over, marked as a reprint, and audited."""
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            container = self._container(db, code)
            if not container["handed_over_at"]:
                raise InputError("container_not_handed_over", field="container", container=container["code"])
            prints = crepo.count_manifest_print(db, container["id"])
            manifest = self._manifest(db, container["code"])
            repo.audit(db, at=now, actor=by.name, action="manifest_reprinted", entity="container", entity_id=container["code"],
                       details={"print": prints})
            write_manifest(manifest)
        return manifest

    def set_training(self, name: str, day: dt.date, *, by: Actor) -> None:
        """Record the date a clerk was trained in battery handling (manager); shown on manifests."""
        by.require("manage_clerks")
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            if not crepo.set_clerk_training(db, name.strip(), day.isoformat()):
                raise InputError("clerk_unknown", field="clerk", name=name.strip())
            repo.audit(db, at=now, actor=by.name, action="clerk_training_set", entity="clerk", entity_id=name.strip(),
                       details={"battery_training_on": day.isoformat()})

    # --- reading -------------------------------------------------------------------------

    def _view(self, src: Any, row: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
        units = crepo.units_in(src, row["id"])
        energy = rules.energy(self.desk.catalogue, (u["model"] for u in units))
        out = {k: row[k] for k in crepo.CONTAINER_COLUMNS}
        out.update(
            count=int(row["count"]), state=state_word(row), wh=energy.known_wh, wh_unknown_units=energy.unknown,
            age_days=(now - rules.parse_utc(row["opened_at"])).days,
            alerts=[a.key for a in rules.container_alerts(row, int(row["count"]), now, self.max_age_days, energy.known_wh)],
        )
        return out

    def container(self, code: str) -> dict[str, Any]:
        row = self._container(self.desk.conn, code)
        return self._view(self.desk.conn, row, utc_now())

    def containers(self, *, include_handed_over: bool = True) -> list[dict[str, Any]]:
        now = utc_now()
        return [self._view(self.desk.conn, r, now) for r in crepo.containers(self.desk.conn, include_handed_over=include_handed_over)]

    def units(self, code: str) -> list[dict[str, Any]]:
        return crepo.units_in(self.desk.conn, self._container(self.desk.conn, code)["id"])

    def container_of(self, ticket: str) -> str | None:
        row = repo.return_by_ticket(self.desk.conn, ticket.strip())
        return crepo.container_of_return(self.desk.conn, row["uuid"]) if row else None

    def manifest(self, code: str) -> dict[str, Any]:
        return self._manifest(self.desk.conn, code)

    def _manifest(self, src: Any, code: str) -> dict[str, Any]:
        """Everything the hand-over manifest prints: the container, its units (ticket, model,
        serial, batch, condition, recall, Wh each), count, estimated Wh, and how many prints."""
        row = self._container(src, code)
        units = crepo.units_in(src, row["id"])
        for u in units:
            u["wh"] = rules.unit_wh(self.desk.catalogue, u["model"])
        energy = rules.energy(self.desk.catalogue, (u["model"] for u in units))
        return {
            "container": {k: row[k] for k in crepo.CONTAINER_COLUMNS},
            "units": units,
            "count": len(units),
            "wh": energy.known_wh,
            "wh_unknown_units": energy.unknown,
            "volts": rules.NOMINAL_VOLTAGE_V,
            "damaged": row["type"] == "damaged" or any(u["condition"] != "intact" for u in units),
            "reprint": int(row["manifest_prints"]) > 1,
            "store_name": self.desk.settings["store_name"],
            "time_zone": self.desk.settings["time_zone"],
        }

    def alerts(self, now: dt.datetime | None = None) -> list[rules.Alert]:
        """Every custody alert now: containers near their limit or too old, recalled units
        recorded more than ``custody_alert_hours`` ago in no container (the first
        :data:`LIST_LIMIT`), damaged units in an intact-type container, voided entries in a
        container, handed-over containers whose units changed. Reads no more than the containers,
        their units and the first loose returns: cheap enough for every refresh of the window."""
        return self._discrepancies(self.desk.conn, now or utc_now(), LIST_LIMIT)["alerts"]

    def _discrepancies(self, src: Any, now: dt.datetime, limit: int) -> dict[str, Any]:
        total_loose, loose = crepo.not_contained(src, limit=limit)
        void_in = crepo.void_in_containers(src)
        wrong = crepo.wrong_type(src)
        alerts: list[rules.Alert] = []
        missing: list[dict[str, Any]] = []
        for row in crepo.containers(src):
            wh = self._energy(src, row["id"]).known_wh if row["limit_wh"] and not row["sealed_at"] else None
            found = rules.container_alerts(row, int(row["count"]), now, self.max_age_days, wh)
            alerts.extend(found)
            missing.extend(a.args for a in found if a.kind == "missing_units")
        for u in loose:
            hours = rules.hours_since(u["recorded_at"], now)
            u["hours"] = hours
            if hours > self.alert_hours:
                alerts.append(rules.Alert("not_contained", "alert_not_contained", {"ticket": u["ticket"], "condition": u["condition"], "hours": hours}))
        alerts += [rules.Alert("wrong_type", "alert_wrong_type", dict(w)) for w in wrong]
        alerts += [rules.Alert("void_in_container", "alert_void_in_container", {"ticket": v["ticket"], "container": v["container"]}) for v in void_in]
        return {
            "discrepancies": {
                "not_contained": {"count": total_loose, "units": loose},
                "void_in_container": {"count": len(void_in), "units": void_in},
                "wrong_type": {"count": len(wrong), "units": wrong},
                "missing_units": {"count": len(missing), "containers": missing},
            },
            "alerts": alerts,
        }

    def report(self, now: dt.datetime | None = None, *, limit: int = LIST_LIMIT) -> dict[str, Any]:
        """The reconciliation: per recall, recorded → in a container → sealed → handed over, and
        every discrepancy (counts complete, lists up to ``limit`` units each)."""
        now = now or utc_now()
        by_recall = crepo.custody_by_recall(self.desk.conn)
        for r in by_recall:
            r["not_contained"] = r["recorded"] - r["in_container"]
        totals = {k: sum(r[k] for r in by_recall) for k in ("recorded", "in_container", "sealed", "handed_over", "not_contained")}
        return {
            "at": utc_text(now),
            "by_recall": by_recall,
            "totals": totals,
            **self._discrepancies(self.desk.conn, now, limit),
            "alert_hours": self.alert_hours,
            "max_age_days": self.max_age_days,
        }

    def day_summary(self, src: Any, start: str, end: str, now: dt.datetime | None = None) -> dict[str, Any]:
        """The daily report's custody section for the business day from ``start`` to ``end``
        (UTC): units put into containers, units in open containers, containers handed over, and
        the discrepancy counts now (store-wide)."""
        found = self._discrepancies(src, now or utc_now(), 0)
        open_rows = [c for c in crepo.containers(src, include_handed_over=False) if c["sealed_at"] is None]
        return {
            "taken_in": crepo.units_added_between(src, start, end),
            "open_containers": len(open_rows),
            "units_in_open": sum(int(c["count"]) for c in open_rows),
            "handed_over": crepo.handed_over_between(src, start, end),
            "discrepancies": {k: v["count"] for k, v in found["discrepancies"].items()},
        }
