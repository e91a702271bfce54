"""Opening the database file safely: checks, pragmas, migrations, and clear errors.

Every way the file can be unusable (a missing folder, another kind of file, damage, a lock,
read-only, a newer schema) becomes a :class:`StorageError` with a message key, never a
traceback.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from typing import TYPE_CHECKING, Any

from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.storage.migrations import SCHEMA_VERSION, migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

SQLITE_HEADER = b"SQLite format 3\x00"
#: How long a write waits for another counter's transaction (RETURNS_DESK_BUSY_TIMEOUT_MS overrides).
BUSY_TIMEOUT_MS = int(os.environ.get("RETURNS_DESK_BUSY_TIMEOUT_MS", "15000"))


class StorageError(ReturnsDeskError):
    """The database cannot be used as asked; the message says why and what to do."""

    exit_code = 1


def translate_sqlite_error(exc: sqlite3.Error, path: str) -> StorageError:
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        return StorageError("db_locked", path=path)
    if "readonly" in low or "read-only" in low:
        return StorageError("db_readonly", path=path, detail=text)
    if "full" in low:
        return StorageError("db_full")
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        return StorageError("db_damaged", path=path, detail=text)
    return StorageError("db_unreadable", path=path, detail=text)


class LazyDatabase:
    """The handle the repository writes through: ``execute`` and ``conn`` go straight to the
    sqlite3 connection; anything else (``db["settings"].upsert_all``, ``executescript`` ...) is
    sqlite-utils' ``Database`` over the same connection, made on first use. Importing
    sqlite-utils costs about 70 ms, which start-up and saving a return do not need to pay."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._database: Database | None = None

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        if parameters is not None:
            return self.conn.execute(sql, parameters)
        return self.conn.execute(sql)

    @property
    def database(self) -> Database:
        if self._database is None:
            from sqlite_utils import Database

            self._database = Database(self.conn)
        return self._database

    def __getitem__(self, name: str) -> Any:
        return self.database[name]

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.database, attr)


class Connection:
    """One open database: sqlite-utils over a sqlite3 connection in autocommit mode, with
    explicit transactions."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = str(path)
        memory = self.path == ":memory:"
        if not memory:
            p = Path(self.path)
            if not p.parent.exists():
                raise StorageError("db_missing_folder", folder=str(p.parent))
            if p.exists():
                if p.is_dir():
                    raise StorageError("db_not_sqlite", path=self.path)
                try:
                    with open(p, "rb") as fh:
                        head = fh.read(16)
                except OSError as exc:
                    raise StorageError("db_unreadable", path=self.path, detail=exc.strerror or str(exc)) from None
                if head and head != SQLITE_HEADER:
                    raise StorageError("db_not_sqlite", path=self.path)
            elif not create:
                raise StorageError("db_unreadable", path=self.path, detail="no such file")
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
            self.db: Database = LazyDatabase(conn)  # type: ignore[assignment]
            self._pragmas()
            self._check_version()
            self._migrate()
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, self.path) from None

    def _pragmas(self) -> None:
        c = self.db.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils' Database sets it
        if self.path != ":memory:":
            mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise StorageError("db_readonly", path=self.path, detail=f"cannot switch to WAL (journal mode {mode})")
        c.execute("PRAGMA synchronous = FULL")

    def _check_version(self) -> None:
        found = self.db.conn.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise StorageError("db_too_new", path=self.path, found=found, known=SCHEMA_VERSION)
        applied = set(self._applied_migrations())
        unknown = applied - set(migrations.names)
        if unknown:
            raise StorageError("db_too_new", path=self.path, found=", ".join(sorted(unknown)), known=SCHEMA_VERSION)
        self._up_to_date = found == SCHEMA_VERSION and applied == set(migrations.names)

    def _applied_migrations(self) -> list[str]:
        """Names of the migrations recorded in the file (one small read, no sqlite-utils)."""
        c = self.db.conn
        if not c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'").fetchone():
            return []
        return [r[0] for r in c.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", (migrations.name,))]

    def _migrate(self) -> None:
        if self._up_to_date:
            return
        if migrations.pending(self.db.database):
            migrations.apply(self.db.database)
            self.db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction taken at once (BEGIN IMMEDIATE), so two counters writing the same
        file queue behind the busy timeout instead of failing half-way. Commits durably
        (synchronous=FULL) or rolls back entirely."""
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, self.path) from None
        try:
            yield self.db
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise translate_sqlite_error(exc, self.path) from None
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise translate_sqlite_error(exc, self.path) from None

    def read(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        try:
            cur = self.db.conn.execute(sql, params)
            cols = [d[0] for d in cur.description or ()]
            return [dict(zip(cols, row)) for row in cur.fetchall()]  # type: ignore[misc]
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, self.path) from None

    def read_tuples(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        """Rows as plain tuples in the order of the SELECT (the fast path for large reads)."""
        try:
            return self.db.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, self.path) from None

    def integrity_problem(self) -> str | None:
        """None when ``PRAGMA quick_check`` passes, else its first complaint."""
        try:
            rows = self.db.conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.Error as exc:
            return str(exc)
        first = rows[0][0] if rows else "no answer"
        return None if first == "ok" else first

    def backup_to(self, target: str | os.PathLike[str]) -> None:
        """SQLite online backup: a consistent copy even while other windows write."""
        dest = sqlite3.connect(str(target))
        try:
            self.db.conn.backup(dest)
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, str(target)) from None
        finally:
            dest.close()

    def close(self) -> None:
        self.db.conn.close()


def check_backup(path: str | os.PathLike[str]) -> str | None:
    """None when ``path`` is a healthy Returns Desk database this version can open, else why not."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            if fh.read(16) != SQLITE_HEADER:
                return "not a SQLite database"
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        con = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                return "the file is damaged"
            if con.execute("PRAGMA user_version").fetchone()[0] > SCHEMA_VERSION:
                return "written by a newer Returns Desk"
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"returns", "audit", "catalogue"} <= tables:
                return "not a Returns Desk database"
        finally:
            con.close()
    except sqlite3.Error as exc:
        return str(exc)
    return None


def copy_database(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Copy one database file onto another path with SQLite's backup API."""
    src = sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True)
    dest = sqlite3.connect(str(target))
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()


def quick_check(path: str | os.PathLike[str]) -> str | None:
    """``PRAGMA quick_check`` on its own read-only connection (safe in a worker thread while the
    window keeps working): None when healthy, else the first complaint."""
    try:
        con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            first = con.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as exc:
        return str(exc)
    return None if first == "ok" else first
