"""``returns-desk verify``: the audit hash chain, and every return against the event that recorded it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from returns_desk.domain.integrity import VOID_FIELDS, event_hash, row_digest
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo


@dataclass
class VerifyReport:
    events: int = 0
    returns: int = 0
    problem: str | None = None  # message key of the first break
    args: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(desk: Desk) -> VerifyReport:
    report = VerifyReport()
    prev = None
    recorded: dict[str, tuple[str, str]] = {}  # uuid -> (ticket, row digest)
    voided: dict[str, str] = {}  # uuid -> void digest
    confirmed: dict[str, str] = {}  # uuid -> the manufacturer's answer recorded for it
    for event_id, at, actor, action, entity, entity_id, details, prev_hash, digest in repo.audit_chain(desk.conn):
        report.events += 1
        where = {"id": event_id, "action": action, "at": at}
        if prev_hash != prev:
            return _fail(report, "verify_chain_broken", where)
        if digest != event_hash(event_id, at, actor, action, entity, entity_id, details, prev_hash):
            return _fail(report, "verify_event_changed", where)
        prev = digest
        if entity == "return" and details:
            data = json.loads(details)
            if action == "return_recorded" and "row_sha256" in data:
                recorded[entity_id] = (data.get("ticket", entity_id), data["row_sha256"])
            elif action == "return_voided" and "void_sha256" in data:
                voided[entity_id] = data["void_sha256"]
            elif action == "confirmation_set":
                confirmed[entity_id] = data.get("confirmation")
    seen = set()
    for row in repo.all_returns(desk.conn):
        report.returns += 1
        seen.add(row["uuid"])
        known = recorded.get(row["uuid"])
        if known is None:
            return _fail(report, "verify_return_unrecorded", {"ticket": row["ticket"]})
        answer = confirmed.get(row["uuid"])
        if row["confirmation"] != "pending" and answer is not None:
            if row["confirmation"] != answer:
                return _fail(report, "verify_return_changed", {"ticket": row["ticket"]})
            row = {**row, "confirmation": "pending"}  # as it was recorded, before the answer
        if row_digest(row, repo.digest_columns(row)) != known[1]:
            return _fail(report, "verify_return_changed", {"ticket": row["ticket"]})
        void_digest = voided.get(row["uuid"])
        if (row["status"] == "void") != (void_digest is not None):
            return _fail(report, "verify_return_changed", {"ticket": row["ticket"]})
        if void_digest is not None and row_digest(row, VOID_FIELDS) != void_digest:
            return _fail(report, "verify_return_changed", {"ticket": row["ticket"]})
    for uuid, (ticket, _) in recorded.items():
        if uuid not in seen:
            return _fail(report, "verify_return_missing", {"ticket": ticket})
    return report


def _fail(report: VerifyReport, key: str, args: dict) -> VerifyReport:
    report.problem = key
    report.args = args
    return report
