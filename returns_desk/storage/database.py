"""Opening the database file safely: checks, pragmas, migrations, and clear errors.

Every way the file can be unusable (a missing folder, another kind of file, damage, a lock,
read-only, a newer schema) becomes a :class:`StorageError` with a message key, never a
traceback.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.storage.migrations import SCHEMA_VERSION, migrations

if TYPE_CHECKING:
    from typing import Any, Protocol

    from sqlite_utils import Database

    class EventSigner(Protocol):
        """What ``repository.audit`` needs to sign an event: ``prepare`` runs inside the write
        transaction before the event is numbered (it may append the announcement of a new key, or
        refuse the write); ``sign`` returns (key id, signature) for the event's hash."""

        def prepare(self, db: Any) -> None: ...

        def sign(self, digest: str) -> tuple[str, str]: ...

SQLITE_HEADER = b"SQLite format 3\x00"
#: How long a write waits for another counter's transaction (RETURNS_DESK_BUSY_TIMEOUT_MS overrides).
BUSY_TIMEOUT_MS = int(os.environ.get("RETURNS_DESK_BUSY_TIMEOUT_MS", "15000"))
#: Up to this size the whole file is checked at start-up (PRAGMA quick_check, about 120 MB/s);
#: above it only the small tables every command reads (the returns log and audit are checked
#: when a backup is made).
FULL_CHECK_MAX_BYTES = 2 * 1024 * 1024
SMALL_TABLES = ("_sqlite_migrations", "settings", "catalogue", "ticket_sequence")


def _writable(path: Path) -> bool:
    """Can this process write the file and create the -wal/-shm files beside it?"""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


class StorageError(ReturnsDeskError):
    """The database cannot be used as asked; the message says why and what to do."""

    exit_code = 1


def translate_sqlite_error(exc: sqlite3.Error, path: str) -> StorageError:
    text = " ".join(str(exc).split())[:200]  # one line: SQLite quotes damaged text as it finds it
    low = text.lower()
    if "locked" in low or "busy" in low:
        return StorageError("db_locked", path=path)
    if "readonly" in low or "read-only" in low:
        return StorageError("db_readonly", path=path, detail=text)
    if "full" in low:
        return StorageError("db_full")
    if "malformed" in low or "not a database" in low or "corrupt" in low or "decode" in low:
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
        #: Signs every audit event written through this handle (``repository.audit``); set by
        #: the services (``services.signing``), which hold the key store.
        self.signer: EventSigner | None = None

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
    """One open database: a sqlite3 connection in autocommit mode with explicit transactions,
    and sqlite-utils over it when the table API is needed (``LazyDatabase``).

    A file that exists but cannot be written (the file or its folder is read-only) is opened
    read-only: look-ups work, every write raises ``db_readonly`` (``readonly`` is True)."""

    def __init__(self, path: str | os.PathLike[str], *, create: bool = True) -> None:
        self.path = str(path)
        self.readonly = False
        self._up_to_date = False
        memory = self.path == ":memory:"
        exists = False
        if not memory:
            try:
                exists = self._check_file(create)
            except OSError as exc:  # a name too long, a path through a file, no permission...
                raise StorageError("db_unreadable", path=self.path, detail=exc.strerror or str(exc)) from None
        conn: sqlite3.Connection | None = None
        try:
            if exists and not _writable(Path(self.path)):
                self.readonly = True
                conn = self._connect_readonly()
            else:
                conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
            self.db: Database = LazyDatabase(conn)  # type: ignore[assignment]
            c = self.db.conn
            c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # everything that only reads comes before anything that may write (the journal
            # mode, migrations), so a file that is not ours, is newer or is damaged stays as it was
            self._check_version()
            self._check_integrity()
            self._pragmas()
            self._migrate()
        except StorageError:
            if conn is not None:
                conn.close()
            raise
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise translate_sqlite_error(exc, self.path) from None
        except UnicodeDecodeError as exc:
            if conn is not None:
                conn.close()
            raise StorageError("db_damaged", path=self.path, detail=f"text that is not UTF-8 ({exc.reason})") from None

    def _connect_readonly(self) -> sqlite3.Connection:
        """Read-only. A WAL file in a folder where the -shm file cannot be created opens only as
        immutable; that is safe exactly then: without a -wal file nobody is writing it."""
        uri = Path(self.path).absolute().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA user_version").fetchone()
            return conn
        except sqlite3.OperationalError:
            conn.close()
            if Path(self.path + "-wal").exists():
                raise
        return sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None, check_same_thread=False)

    def _check_file(self, create: bool) -> bool:
        """Checks that need no SQLite. Returns whether the file exists (and is not empty)."""
        p = Path(self.path)
        if not p.parent.exists():
            raise StorageError("db_missing_folder", folder=str(p.parent))
        if not p.exists():
            if not create:
                raise StorageError("db_unreadable", path=self.path, detail="no such file")
            return False
        if p.is_dir():
            raise StorageError("db_not_sqlite", path=self.path)
        with open(p, "rb") as fh:
            head = fh.read(100)
        if not head:
            return False  # an empty file is a new database
        if head[:16] != SQLITE_HEADER[: len(head[:16])] or len(head) < 16:
            raise StorageError("db_not_sqlite", path=self.path)
        if len(head) < 100:
            raise StorageError("db_damaged", path=self.path, detail="the file is cut short")
        # the header's page count (valid when its version-valid-for number matches the change
        # counter) says how long the file must be: a shorter file was truncated
        page_size = int.from_bytes(head[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(head[28:32], "big")
        if head[24:28] == head[92:96] and pages and p.stat().st_size < pages * page_size:
            raise StorageError("db_damaged", path=self.path, detail="the file is cut short")
        return True

    def _pragmas(self) -> None:
        c = self.db.conn
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils' Database sets it
        if self.readonly:
            c.execute("PRAGMA query_only = ON")
        elif self.path != ":memory:":
            mode = self._switch_to_wal()
            if mode.lower() != "wal":
                raise StorageError("db_readonly", path=self.path, detail=f"cannot switch to WAL (journal mode {mode})")
        c.execute("PRAGMA synchronous = FULL")

    def _switch_to_wal(self) -> str:
        """``PRAGMA journal_mode = WAL``. Changing the mode needs the file to itself and SQLite
        does not wait for that (no busy handler): while another counter opens or creates the same
        file at the same moment, try again for up to the busy timeout."""
        c = self.db.conn
        mode = c.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() == "wal":
            return mode
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.OperationalError as exc:
                text = str(exc).lower()
                if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _check_version(self) -> None:
        c = self.db.conn
        found = c.execute("PRAGMA user_version").fetchone()[0]
        if found > SCHEMA_VERSION:
            raise StorageError("db_too_new", path=self.path, found=found, known=SCHEMA_VERSION)
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "_sqlite_migrations" not in tables:
            raise StorageError("db_not_sqlite", path=self.path)  # another program's SQLite database
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

    def _check_integrity(self) -> None:
        """The start-up check: always the small tables every command reads; the whole file while
        it is small enough to check in a blink (the window checks a big file in the background)."""
        if self.path == ":memory:" or not Path(self.path).exists():
            return
        c = self.db.conn
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if Path(self.path).stat().st_size <= FULL_CHECK_MAX_BYTES:
            targets: list[str | None] = [None]
        else:
            targets = [t for t in SMALL_TABLES if t in tables]
        for table in targets:
            sql = "PRAGMA quick_check" if table is None else f"PRAGMA quick_check({table})"
            first = c.execute(sql).fetchone()
            if first is None or first[0] != "ok":
                detail = " ".join((first[0] if first else "no answer").split())  # one line
                raise StorageError("db_damaged", path=self.path, detail=detail[:200])

    def _migrate(self) -> None:
        if self._up_to_date or not migrations.pending(self.db.database):  # type: ignore[attr-defined]
            return
        if self.readonly:
            raise StorageError("db_readonly", path=self.path, detail="this version must update the file first")
        # two counters opening a new file at once: the write lock is taken first and the pending
        # list read again under it, so exactly one of them migrates
        with self.write() as db:
            if migrations.pending(db.database):  # type: ignore[attr-defined]
                migrations.apply(db.database)  # type: ignore[attr-defined]
                db.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction taken at once (BEGIN IMMEDIATE), so two counters writing the same
        file queue behind the busy timeout instead of failing half-way. Commits durably
        (synchronous=FULL) or rolls back entirely."""
        conn = self.db.conn
        if self.readonly:
            raise StorageError("db_readonly", path=self.path, detail="the file or its folder cannot be written")
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

    def read(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        try:
            cur = self.db.conn.execute(sql, params)
            cols = [d[0] for d in cur.description or ()]
            return [dict(zip(cols, row)) for row in cur.fetchall()]
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, self.path) from None
        except UnicodeDecodeError as exc:  # we only ever write UTF-8: anything else is damage
            raise StorageError("db_damaged", path=self.path, detail=f"text that is not UTF-8 ({exc.reason})") from None

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
