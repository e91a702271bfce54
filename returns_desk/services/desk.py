"""The open application: database, settings, catalogue and lookup engine, shared by the window
and the command line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from returns_desk import paths
from returns_desk.domain.catalogue import CURRENCIES, MARKETS, Catalogue
from returns_desk.domain.errors import RefusedError
from returns_desk.domain.lookup import LookupEngine
from returns_desk.services import catalogue_service
from returns_desk.services.clock import DEFAULT_ZONES
from returns_desk.storage import startup_reads
from returns_desk.storage.database import Connection

if TYPE_CHECKING:
    from returns_desk.domain.auth import Actor

# The signing key store (cryptography), the repository and the people rules are imported where
# they are used: ``open_to_read`` (the command-line lookup) needs none of them.

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


class Settings:
    """The store's settings as stored; a setting never stored reads as its default."""

    __slots__ = ("values",)

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

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

    def __init__(self, conn: Connection, catalogue: Catalogue, *, settings: dict[str, str] | None = None, sign: bool = True,
                 lazy: bool = False) -> None:
        """``sign`` False: for :meth:`open_to_read` only (its connection refuses writes). ``lazy``:
        the lookup engine makes its near-miss and product-description indexes when first needed
        (a single lookup of a model number needs neither; the window has them made at once)."""
        if sign:
            from returns_desk.services import signing

            signing.attach(conn)  # every audit event this desk writes is signed with the counter's key
        self.conn = conn
        self.catalogue = catalogue
        self.engine = LookupEngine(catalogue, lazy=lazy)
        self.settings = Settings(settings if settings is not None else startup_reads.settings(conn))

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, *, seed: Path | None = None) -> "Desk":
        """Open (creating and seeding on first use) the database at ``path``, default the user's."""
        from returns_desk.services import signing

        conn = Connection(path if path is not None else paths.default_db_path())
        try:
            signing.attach(conn)
            _sync_settings(conn)
            try:
                catalogue = catalogue_service.sync_seed(conn, seed or paths.seed_path())
            except RefusedError as exc:
                # this computer holds none of the file's signing keys: open it as it is (to
                # verify it, or for a manager to approve a new key), loading nothing new
                if exc.key != "signing_key_missing" or startup_reads.active_catalogue(conn) is None:
                    raise
                catalogue = catalogue_service.stored(conn)
        except BaseException:
            conn.close()
            raise
        return cls(conn, catalogue)

    @classmethod
    def open_to_read(cls, path: str | os.PathLike[str] | None = None, *, seed: Path | None = None) -> "Desk":
        """A desk for a command that only reads the catalogue and the settings (``lookup``):
        the file is checked as :meth:`open` checks it (not ours, damaged, newer, read-only; an
        older schema is brought up to date the same way), then the settings and the active
        recall list are read and nothing else: no signing key is loaded and nothing is written;
        the shipped seed is only compared by checksum with the stored list. When :meth:`open`
        would have something to write or decide (a new file, missing settings, a seed or an
        imported list to weigh against each other), this is :meth:`open`. The desk refuses
        every write (``db_readonly``): it holds no signing key."""
        return cls._open_light(path, seed, to_write=False)

    @classmethod
    def open_to_print(cls, path: str | os.PathLike[str] | None = None, *, seed: Path | None = None) -> "Desk":
        """A desk for a command that reads and then records what it did (``report``: the print's
        audit event, signed like every event): checked and opened as :meth:`open_to_read` opens
        it, but writable and with the counter's signing key attached, and the lookup engine's
        indexes left until asked for (a report names recalls, it looks nothing up). When
        :meth:`open` would have something to write or decide (a new file, missing settings, a seed
        or an imported list to weigh), this is :meth:`open`."""
        return cls._open_light(path, seed, to_write=True)

    @classmethod
    def _open_light(cls, path: str | os.PathLike[str] | None, seed: Path | None, *, to_write: bool) -> "Desk":
        """:meth:`open_to_read` (``to_write`` False) and :meth:`open_to_print` (True)."""
        target = Path(path) if path is not None else paths.default_db_path()
        try:
            fresh = str(target) == ":memory:" or os.path.getsize(target) == 0
        except OSError:
            fresh = True  # missing, or a path that cannot be: open() says which
        if fresh:
            return cls.open(path, seed=seed)
        conn = Connection(target, create=False)
        try:
            values = startup_reads.settings(conn)
            catalogue = None
            # a read-only file has nothing written to it, missing settings or not
            if (conn.readonly and not to_write) or set(DEFAULT_SETTINGS) <= set(values):
                active = startup_reads.active_catalogue(conn)
                catalogue = catalogue_service.stored_if_current(conn, active, seed or paths.seed_path())
            if catalogue is not None:
                if not to_write:
                    conn.readonly = True  # for reading only: a write through this desk is refused
                return cls(conn, catalogue, settings=values, sign=to_write, lazy=True)
        except BaseException:
            conn.close()
            raise
        conn.close()
        return cls.open(path, seed=seed)

    def reload_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.engine = LookupEngine(catalogue)

    def update_settings(self, values: dict[str, str], *, actor: "str | Actor") -> None:
        from returns_desk.domain.auth import Actor
        from returns_desk.services.clock import utc_now_text
        from returns_desk.storage import repository as repo

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
        self.settings = Settings(startup_reads.settings(self.conn))

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
    from returns_desk.storage import repository as repo

    with conn.write() as db:
        missing = _missing_settings(conn)
        if missing:
            repo.put_settings(db, missing)


def _missing_settings(conn: Connection) -> dict[str, str]:
    current = startup_reads.settings(conn)
    return {k: v for k, v in DEFAULT_SETTINGS.items() if k not in current}
