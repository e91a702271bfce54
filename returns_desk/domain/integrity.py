"""Tamper evidence: the audit trail is a hash chain, and each return's content is fingerprinted
in the event that recorded it. Pure functions; ``services.verify_service`` walks the database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

#: The fields of a return fixed when it is recorded (see storage.repository.RETURN_COLUMNS).
VOID_FIELDS = ("status", "void_reason", "void_by", "void_at")


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_digest(row: Mapping[str, Any], columns: Sequence[str]) -> str:
    return hashlib.sha256(_canonical([row.get(c) for c in columns]).encode()).hexdigest()


def event_hash(event_id: int, at: str, actor: str, action: str, entity: str | None, entity_id: str | None, details: str | None, prev_hash: str | None) -> str:
    return hashlib.sha256(_canonical([event_id, at, actor, action, entity, entity_id, details, prev_hash]).encode()).hexdigest()


def as_recorded(row: Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """A return's fields as they were when it was recorded (what the event's ``row_sha256``
    fingerprints): the manufacturer's answer, set later, only ever replaces ``pending``."""
    out = {c: row.get(c) for c in columns}
    if out.get("confirmation") in ("confirmed", "rejected"):
        out["confirmation"] = "pending"
    return out
