"""Counter work that is not a return: hazardous units that stopped a return, and enquiries.

A hot unit stops the return (domain.returns.check_safety refuses it for every caller), so the
record of what happened at the counter is an incident: when, who, the model as typed, its
condition, what was done, notes. A customer told their unit is not affected can be logged as an
enquiry, so the day's counter work is visible in the log and the daily report.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from typing import Any

from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import InputError
from returns_desk.domain.returns import clean_text
from returns_desk.domain.vocab import CONDITIONS, HAZARD, INCIDENT_ACTIONS, INCIDENT_KINDS, STOP_CONDITIONS
from returns_desk.services.clock import business_date, utc_now, utc_text, zone
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo


class IncidentService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def record(self, *, kind: str, action: str, model_input: str | None, condition: str | None, notes: str | None,
               actor: Actor, at: dt.datetime | None = None) -> dict[str, Any]:
        """Record an incident or an enquiry (any signed-in clerk), audited. Raises InputError."""
        if kind not in INCIDENT_KINDS:
            raise InputError("incident_kind_invalid", field="kind")
        if action not in INCIDENT_ACTIONS:
            raise InputError("incident_action_invalid", field="action", allowed=INCIDENT_ACTIONS.listed("en"))
        if condition is not None and condition not in CONDITIONS:
            raise InputError("condition_invalid", field="condition")
        if kind == HAZARD and condition not in STOP_CONDITIONS:
            condition = condition or sorted(STOP_CONDITIONS)[0]
        typed = clean_text(model_input, "model_input")
        note = clean_text(notes, "notes")
        s = self.desk.settings
        result = self.desk.engine.lookup(typed, market=s.market) if typed else None
        moment = at or utc_now()
        row: dict[str, Any] = {
            "uuid": str(uuidlib.uuid4()),
            "recorded_at": utc_text(moment),
            "business_date": business_date(moment, s["time_zone"]).isoformat(),
            "time_zone": s["time_zone"],
            "store": s["store_code"],
            "counter": s["counter"],
            "clerk": actor.name,
            "kind": kind,
            "action": action,
            "model_input": typed,
            "model": result.model.model if result is not None and result.model is not None else None,
            "verdict": result.verdict if result is not None else None,
            "condition": condition,
            "notes": note,
        }
        with self.desk.conn.write() as db:
            row["id"] = repo.insert_incident(db, row)
            repo.audit(db, at=row["recorded_at"], actor=actor.name, action="incident_recorded", entity="incident", entity_id=row["uuid"],
                       details={k: row[k] for k in ("kind", "action", "model_input", "model", "verdict", "condition", "notes")})
        row["local_time"] = moment.astimezone(zone(s["time_zone"])).strftime("%H:%M")
        return row

    def for_day(self, day: dt.date, counter: str | None = None) -> list[dict[str, Any]]:
        return repo.incidents_for_day(self.desk.conn, self.desk.settings["store_code"], day.isoformat(), counter)

    def recent(self, limit: int = 200) -> list[dict[str, Any]]:
        return repo.recent_incidents(self.desk.conn, limit)
