"""The open application: database, settings, catalogue and lookup engine, shared by the window
and the command line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from returns_desk import paths
from returns_desk.domain.auth import Actor
from returns_desk.domain.catalogue import CURRENCIES, MARKETS, Catalogue
from returns_desk.domain.lookup import LookupEngine
from returns_desk.services import catalogue_service
from returns_desk.services.clock import DEFAULT_ZONES, utc_now_text
from returns_desk.storage import repository as repo
from returns_desk.storage.database import Connection

DEFAULT_SETTINGS = {
    "store_name": "Store",
    "store_code": "S1",
    "counter": "C1",
    "market": "CN",
    "time_zone": DEFAULT_ZONES["CN"],
    "language": "",  # empty: follow the system locale
    "scanner_prefix": "",
    "scanner_suffix": "",
    "auto_lock_minutes": "10",
    # custody (BATTERY_HANDLING.md §5.3): the oldest a quarantine container may get, in days, and
    # how long a recalled unit may wait at the counter before it must be in a container, in hours
    "max_quarantine_days": "30",
    "custody_alert_hours": "24",
}


@dataclass
class Settings:
    values: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, DEFAULT_SETTINGS.get(key, ""))

    @property
    def market(self) -> str:
        m = self["market"]
        return m if m in MARKETS else "CN"

    @property
    def currency(self) -> str:
        return CURRENCIES[self.market]


class Desk:
    """One open database and everything read from it at start-up."""

    def __init__(self, conn: Connection, catalogue: Catalogue) -> None:
        self.conn = conn
        self.catalogue = catalogue
        self.engine = LookupEngine(catalogue)
        self.settings = Settings(repo.settings(conn))

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, seed: Path | None = None) -> "Desk":
        """Open (creating and seeding on first use) the database at ``path``, default the user's."""
        conn = Connection(path if path is not None else paths.default_db_path())
        try:
            _sync_settings(conn)
            catalogue = catalogue_service.sync_seed(conn, seed or paths.seed_path())
        except BaseException:
            conn.close()
            raise
        return cls(conn, catalogue)

    def reload_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.engine = LookupEngine(catalogue)

    def update_settings(self, values: dict[str, str], *, actor: "str | Actor") -> None:
        if isinstance(actor, Actor):
            actor.require("settings")
            actor = actor.name
        unknown = set(values) - set(DEFAULT_SETTINGS)
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        with self.conn.write() as db:
            repo.put_settings(db, values)
            repo.audit(db, at=utc_now_text(), actor=actor, action="settings_changed", entity="settings", details=values)
        self.reload_settings()

    def reload_settings(self) -> None:
        self.settings = Settings(repo.settings(self.conn))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Desk":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sync_settings(conn: Connection) -> None:
    """Write missing settings with their defaults; never change a value already set (read again
    under the write lock: another counter may be setting up the same file). A read-only file
    keeps what it has; the defaults apply in memory."""
    if conn.readonly or not _missing_settings(conn):
        return
    with conn.write() as db:
        missing = _missing_settings(conn)
        if missing:
            repo.put_settings(db, missing)


def _missing_settings(conn: Connection) -> dict[str, str]:
    current = repo.settings(conn)
    return {k: v for k, v in DEFAULT_SETTINGS.items() if k not in current}
