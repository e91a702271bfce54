"""Paged reads for the returns log: never load every row.

Rows are shown newest first. Returns are never deleted (a trigger refuses it) and ids are
assigned in order, so a page can start from an id (keyset paging, constant time at any depth)
whenever the previous page is known; a jump into the middle falls back to OFFSET on the
filtered index."""

from __future__ import annotations

from typing import Any

from returns_desk.storage.database import Connection
from returns_desk.storage.repository import ReturnFilter

LOG_COLUMNS = (
    "id", "ticket", "recorded_at", "business_date", "time_zone", "clerk", "model", "brand", "recall_id", "serial",
    "batch_code", "condition", "remedy", "amount_minor", "currency", "confirmation", "status", "override_reason",
    "duplicate_of", "receipt",
)
_SELECT = "SELECT " + ", ".join(LOG_COLUMNS) + " FROM returns"


def page_by_offset(conn: Connection, flt: ReturnFilter, offset: int, limit: int) -> list[dict[str, Any]]:
    where, args = flt.where()
    return conn.read(f"{_SELECT}{where} ORDER BY id DESC LIMIT ? OFFSET ?", (*args, limit, offset))


def page_before_id(conn: Connection, flt: ReturnFilter, before_id: int, limit: int) -> list[dict[str, Any]]:
    where, args = flt.where()
    joiner = " AND " if where else " WHERE "
    return conn.read(f"{_SELECT}{where}{joiner}id < ? ORDER BY id DESC LIMIT ?", (*args, before_id, limit))


def audit_for(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    return conn.read("SELECT at, actor, action, details FROM audit WHERE entity_id = ? ORDER BY id", (entity_id,))

