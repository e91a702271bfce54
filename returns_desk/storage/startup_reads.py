"""The two reads every open starts from: the settings and the active recall list.

A module of their own (:mod:`returns_desk.storage.repository` offers them as its own) because
importing the repository costs more than a whole command-line lookup takes: ``lookup`` reads
these two and nothing else (``Desk.open_to_read``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from returns_desk.storage.database import Connection

if TYPE_CHECKING:
    from typing import Any


def settings(conn: Connection) -> dict[str, str]:
    return {r["key"]: r["value"] for r in conn.read("SELECT key, value FROM settings")}


def active_catalogue(conn: Connection) -> dict[str, Any] | None:
    rows = conn.read("SELECT id, version, source, loaded_at, sha256, document FROM catalogue WHERE active = 1")
    return rows[0] if rows else None
