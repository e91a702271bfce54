"""PostgreSQL at head office: connecting, versioned migrations, store and reader roles, ingest.

Migrations are the files ``db/headoffice/NNNN_name.sql``, applied in order, each in one
transaction with its row in ``hq.schema_migrations`` (version, name, sha256 of the file); an
advisory lock makes two ``hq migrate`` at once run each file once. A file changed after it was
applied is refused, never applied again.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import psycopg
import psycopg.errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb

from returns_desk import paths
from returns_desk.domain.returns import HAZARDOUS
from returns_desk.headoffice.errors import HeadOfficeError, one_line

MIGRATION_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
STORE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
LOCK_KEY = 0x52444851  # "RDHQ": the advisory lock taken while migrating
CONNECT_TIMEOUT = 10
#: SQLSTATE class 40, "transaction rollback" (psycopg gives 40P01 and 40001 classes of their own)
_UNDONE = (psycopg.errors.TransactionRollback, psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)


def migrations_dir() -> Path:
    return paths.install_root() / "db" / "headoffice"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def migration_files(folder: Path | None = None) -> list[Migration]:
    found = []
    for p in sorted((folder or migrations_dir()).glob("*.sql")):
        m = MIGRATION_FILE.match(p.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), p))
    return found


def _password(dsn: str) -> str | None:
    try:
        return conninfo_to_dict(dsn).get("password")  # type: ignore[return-value]
    except psycopg.ProgrammingError:
        return None


@contextmanager
def connect(dsn: str, *, autocommit: bool = True, timeout: int = CONNECT_TIMEOUT) -> Iterator[psycopg.Connection]:
    """A connection, or HeadOfficeError('hq_unreachable') naming why (the password blanked)."""
    try:
        conn = psycopg.connect(dsn, autocommit=autocommit, connect_timeout=timeout, application_name="returns-desk")
    except psycopg.ProgrammingError as exc:  # not a connection string
        raise HeadOfficeError("hq_dsn_invalid", detail=one_line(exc, _password(dsn))) from None
    except psycopg.Error as exc:
        raise HeadOfficeError("hq_unreachable", detail=one_line(exc, _password(dsn))) from None
    try:
        yield conn
    except _UNDONE as exc:  # undone as often as ingest sends a batch again: busy, not unreachable
        raise HeadOfficeError("hq_busy", detail=one_line(exc, _password(dsn))) from None
    except psycopg.OperationalError as exc:
        raise HeadOfficeError("hq_unreachable", detail=one_line(exc, _password(dsn))) from None
    except psycopg.Error as exc:
        raise HeadOfficeError("hq_refused", detail=one_line(exc, _password(dsn))) from None
    finally:
        conn.close()


# --- migrations ---------------------------------------------------------------------------


def applied_migrations(conn: psycopg.Connection) -> dict[int, str]:
    exists = conn.execute("SELECT to_regclass('hq.schema_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return {}
    return {int(v): str(h) for v, h in conn.execute("SELECT version, sha256 FROM hq.schema_migrations")}


def migrate(dsn: str, folder: Path | None = None) -> tuple[list[str], int]:
    """Apply the pending migrations. Returns (names applied now, schema version)."""
    files = migration_files(folder)
    done: list[str] = []
    with connect(dsn) as conn:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            conn.execute("CREATE SCHEMA IF NOT EXISTS hq")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS hq.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
                "sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        for m in files:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                applied = applied_migrations(conn)
                if m.version in applied:
                    if applied[m.version] != m.sha256:
                        raise HeadOfficeError("hq_migration_changed", version=f"{m.version:04d}", name=m.name)
                    continue
                conn.execute(m.text.encode())  # several statements, no parameters (bytes: no placeholders parsed)
                conn.execute("INSERT INTO hq.schema_migrations (version, name, sha256) VALUES (%s, %s, %s)", (m.version, m.name, m.sha256))
                done.append(f"{m.version:04d}_{m.name}")
        applied = applied_migrations(conn)
        unknown = set(applied) - {m.version for m in files}
        if unknown:
            raise HeadOfficeError("hq_schema_too_new", found=max(unknown), known=max((m.version for m in files), default=0))
    return done, max(applied, default=0)


def _require_schema(conn: psycopg.Connection) -> None:
    if not applied_migrations(conn):
        raise HeadOfficeError("hq_not_migrated")


# --- roles ---------------------------------------------------------------------------------


def _role_name(kind: str, code: str) -> str:
    """A fresh login role name: readable, unique in the cluster (several head-office databases may share one)."""
    clean = re.sub(r"[^a-z0-9]", "_", code.lower())[:24]
    return f"rd_{kind}_{clean}_{secrets.token_hex(4)}"


def _login_dsn(admin_dsn: str, user: str, password: str) -> str:
    """``postgresql://USER:PASSWORD@HOST:PORT/DB`` for a new role, at the server and database of
    the admin's connection string (a socket folder as host goes in the query part)."""
    info = conninfo_to_dict(admin_dsn)
    host, port, db = str(info.get("host") or ""), str(info.get("port") or ""), str(info.get("dbname") or "")
    query = {k: str(info[k]) for k in ("sslmode", "hostaddr") if info.get(k)}
    if host.startswith("/"):
        query["host"], host = host, ""
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}" + (f":{port}" if port else "")
    url = f"postgresql://{netloc}/{quote(db, safe='')}"
    return url + ("?" + urlencode(query) if query else "")


def add_store(admin_dsn: str, code: str) -> dict[str, str]:
    """Create a store and its login role, which may only EXECUTE hq.ingest. Returns the store's
    connection string (the password is shown this once and never stored in clear)."""
    if not STORE_CODE.match(code or ""):
        raise HeadOfficeError("hq_store_code_invalid", code=code)
    role, password = _role_name("store", code), secrets.token_urlsafe(24)
    with connect(admin_dsn) as conn:
        _require_schema(conn)
        with conn.transaction():
            if conn.execute("SELECT 1 FROM hq.stores WHERE code = %s", (code,)).fetchone():
                raise HeadOfficeError("hq_store_exists", code=code)
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOINHERIT PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA hq TO {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION hq.ingest(jsonb) TO {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION hq.catalogue_newer_than(text) TO {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION hq.acknowledged_hashes(uuid, bigint, integer) TO {}").format(sql.Identifier(role)))
            conn.execute("INSERT INTO hq.stores (code, role_name) VALUES (%s, %s)", (code, role))
    return {"store": code, "role": role, "dsn": _login_dsn(admin_dsn, role, password)}


def add_reader(admin_dsn: str, store: str | None) -> dict[str, str | None]:
    """A read-only login for a store manager (``store``) or for head office (None: every store):
    SELECT on the read views and tables, whose row-level security shows only the stores allowed."""
    role, password = _role_name("read", store or "chain"), secrets.token_urlsafe(24)
    with connect(admin_dsn) as conn:
        _require_schema(conn)
        with conn.transaction():
            if store is not None and not conn.execute("SELECT 1 FROM hq.stores WHERE code = %s", (store,)).fetchone():
                raise HeadOfficeError("hq_store_unknown", code=store)
            ident = sql.Identifier(role)
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOINHERIT PASSWORD {}").format(ident, sql.Literal(password)))
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA hq TO {}").format(ident))
            conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION hq.readable_stores() TO {}").format(ident))
            conn.execute(sql.SQL(
                "GRANT SELECT ON hq.returns, hq.events, hq.devices, hq.quarantine, "
                "hq.returns_v, hq.sync_progress_v, hq.quarantine_v, hq.events_v TO {}").format(ident))
            for later in ("hq.catalogues", "hq.return_counts", "hq.incidents"):  # tables of later migrations
                if conn.execute("SELECT to_regclass(%s) IS NOT NULL", (later,)).fetchone()[0]:  # type: ignore[index]
                    conn.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(sql.SQL(later), ident))
            conn.execute("INSERT INTO hq.readers (role_name, store) VALUES (%s, %s)", (role, store))
    return {"store": store, "role": role, "dsn": _login_dsn(admin_dsn, role, password)}


# --- ingest ----------------------------------------------------------------------------------


def ingest(conn: psycopg.Connection, batch: dict[str, Any]) -> dict[str, Any]:
    """One batch through hq.ingest as the store's role; the answer (acknowledged high-water mark,
    quarantined events, where to send again from)."""
    return _ingest_call(conn, "SELECT hq.ingest(%s)", (Jsonb(batch),))


def ingest_for(conn: psycopg.Connection, store: str, batch: dict[str, Any]) -> dict[str, Any]:
    """Head office feeding a counter's transport file through the same ingest (needs the admin role)."""
    return _ingest_call(conn, "SELECT hq.ingest_for(%s, %s)", (store, Jsonb(batch)))


#: Times a batch is sent again after PostgreSQL rolled it back for a deadlock or a serialization
#: failure (the counters of a store share its running counts): the whole transaction was undone
#: and a batch lands once however often it is sent (events are kept by UUID).
INGEST_ATTEMPTS = 5


def _ingest_call(conn: psycopg.Connection, query: str, params: tuple[Any, ...]) -> dict[str, Any]:
    for attempt in range(1, INGEST_ATTEMPTS + 1):
        try:
            with conn.transaction():
                row = conn.execute(query, params).fetchone()
            break
        except _UNDONE:
            if attempt == INGEST_ATTEMPTS:
                raise
            time.sleep(0.05 * attempt * (1 + random.random()))  # out of step with the other batch
    assert row is not None
    return dict(row[0])


# --- catalogues published by head office ------------------------------------------------------


def publish_catalogue(admin_dsn: str, version: str, document: str) -> bool:
    """Publish a validated catalogue. Returns False when exactly this version was published
    before (nothing changes); another document under a published version is refused."""
    digest = hashlib.sha256(document.encode("utf-8")).hexdigest()
    with connect(admin_dsn) as conn:
        _require_schema(conn)
        with conn.transaction():
            row = conn.execute("SELECT sha256 FROM hq.catalogues WHERE version = %s FOR UPDATE", (version,)).fetchone()
            if row is not None:
                if row[0] != digest:
                    raise HeadOfficeError("hq_catalogue_version_taken", version=version)
                return False
            conn.execute("INSERT INTO hq.catalogues (version, sha256, document) VALUES (%s, %s, %s)", (version, digest, document))
    return True


def catalogue_newer_than(conn: psycopg.Connection, version: str | None) -> dict[str, Any] | None:
    """The newest published catalogue newer than ``version`` (as a store role), or None."""
    try:
        with conn.transaction():
            row = conn.execute("SELECT hq.catalogue_newer_than(%s)", (version,)).fetchone()
    except psycopg.errors.UndefinedFunction:  # a head office not yet migrated to 0002: nothing to take
        return None
    return dict(row[0]) if row and row[0] else None


def acknowledged_hashes(conn: psycopg.Connection, device_id: str, start: int, limit: int = 10_000) -> list[tuple[int, str, str]]:
    """(seq, uuid, hash) of the events head office acknowledged for this device of the calling
    store, from ``start`` on (as a store role: head office as the witness of the counter's chain)."""
    rows = conn.execute("SELECT seq, uuid::text, hash FROM hq.acknowledged_hashes(%s, %s, %s)", (device_id, start, limit)).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


# --- reading (head office's reports) -----------------------------------------------------------

#: Columns of hq.returns a report may ask for by name (never user text in SQL).
HQ_RETURN_COLUMNS = frozenset((
    "store", "uuid", "device_id", "ticket", "recorded_at", "business_date", "time_zone", "counter", "clerk", "market",
    "model_input", "model", "brand", "recall_id", "verdict", "catalogue_version", "confirmation", "serial", "batch_code",
    "made_on", "condition", "remedy", "amount_minor", "currency", "replacement_model", "receipt", "proof_type",
    "customer_contact", "notes", "override_reason", "override_by", "duplicate_of", "isolation_confirmed_at", "check_warning", "status",
    "void_reason", "void_by", "void_at", "repeated_ticket",
))


def store_day_rows(conn: psycopg.Connection, store: str, business_date: str, columns: tuple[str, ...]) -> list[tuple]:
    """Every return (active and void) of one store and business day, every counter, in recording
    order, as tuples of ``columns`` (the shape of the counter's ``returns_for_day``)."""
    unknown = set(columns) - HQ_RETURN_COLUMNS
    if unknown or not columns:
        raise ValueError(f"unknown return columns: {sorted(unknown)}")
    cols = sql.SQL(", ").join(
        sql.SQL("{}::text").format(sql.Identifier(c)) if c in ("business_date", "uuid", "device_id") else sql.Identifier(c)
        for c in columns
    )
    query = sql.SQL("SELECT {} FROM hq.returns WHERE store = %s AND business_date = %s ORDER BY recorded_at, counter, ticket").format(cols)
    return [tuple(r) for r in conn.execute(query, (store, business_date))]


def store_recall_progress(conn: psycopg.Connection, store: str, date_to: str) -> list[dict[str, Any]]:
    """Non-voided returns per recall, remedy and confirmation state up to a business date."""
    cur = conn.execute(
        "SELECT recall_id, remedy, confirmation, sum(n) AS n FROM hq.return_counts WHERE store = %s AND business_date <= %s "
        "GROUP BY recall_id, remedy, confirmation HAVING sum(n) > 0 ORDER BY 1, 2, 3",
        (store, date_to),
    )
    return [{"recall_id": r[0], "remedy": r[1], "confirmation": r[2], "n": int(r[3])} for r in cur]


def store_counters(conn: psycopg.Connection, store: str) -> list[dict[str, Any]]:
    """Each counter (device) of a store: up to which event head office holds, when it last
    pushed, its clock, and the latest return time that has arrived from it."""
    cur = conn.execute(
        "SELECT d.counter, d.device_id::text, d.acked_seq, d.last_seen, d.clock_skew_seconds, d.clock_flagged, "
        "(SELECT max(r.recorded_at) FROM hq.returns r WHERE r.store = d.store AND r.device_id = d.device_id) "
        "FROM hq.devices d WHERE d.store = %s ORDER BY d.counter, d.first_seen",
        (store,),
    )
    keys = ("counter", "device_id", "acked_seq", "last_seen", "clock_skew_seconds", "clock_flagged", "latest_return_at")
    out = []
    for r in cur:
        row = dict(zip(keys, r))
        row["last_seen"] = row["last_seen"].isoformat() if row["last_seen"] else None
        out.append(row)
    return out


def store_zone(conn: psycopg.Connection, store: str) -> tuple[str, str] | None:
    """(time zone, currency) of the store's latest return, if any has arrived."""
    row = conn.execute(
        "SELECT time_zone, currency FROM hq.returns WHERE store = %s ORDER BY business_date DESC, recorded_at DESC LIMIT 1", (store,)
    ).fetchone()
    return (str(row[0]), str(row[1])) if row else None


#: ``hq export --group-by`` keys and the column each reads (never user text in SQL).
HQ_TALLY_KEYS = {
    "store": "store", "counter": "counter", "recall": "recall_id", "brand": "brand", "model": "model",
    "remedy": "remedy", "clerk": "clerk", "day": "business_date",
}


def tally(conn: psycopg.Connection, date_from: str, date_to: str, group_by: tuple[str, ...], store: str | None = None) -> list[dict[str, Any]]:
    """Non-voided returns of every store (or one) between two business dates, grouped by the
    given keys, with count and amount per currency."""
    unknown = set(group_by) - set(HQ_TALLY_KEYS)
    if unknown:
        raise ValueError(f"unknown group keys: {sorted(unknown)}")
    keys = [sql.SQL("{}::text AS {}").format(sql.Identifier(HQ_TALLY_KEYS[k]), sql.Identifier(k)) for k in group_by]
    cols = [sql.Identifier(HQ_TALLY_KEYS[k]) for k in group_by] + [sql.Identifier("currency")]
    where = sql.SQL("status = 'active' AND business_date BETWEEN %s AND %s") + (sql.SQL(" AND store = %s") if store else sql.SQL(""))
    query = sql.SQL(
        "SELECT {keys}count(*) AS count, sum(amount_minor) AS amount_minor, currency FROM hq.returns WHERE {where} "
        "GROUP BY {cols} ORDER BY {cols}"
    ).format(keys=sql.SQL("").join(k + sql.SQL(", ") for k in keys), where=where, cols=sql.SQL(", ").join(cols))
    params: list[Any] = [date_from, date_to] + ([store] if store else [])
    cur = conn.execute(query, params)
    names = [d.name for d in cur.description or ()]
    return [{**dict(zip(names, r)), "count": int(r[names.index("count")]), "amount_minor": int(r[names.index("amount_minor")] or 0)} for r in cur]


def recall_progress(conn: psycopg.Connection, date_from: str | None, date_to: str, *, store: str | None = None,
                    recall: str | None = None) -> list[dict[str, Any]]:
    """Returns per store, recall, remedy, confirmation state, hazard and status between two
    business dates (``date_from`` None: since the first), for the chain's progress reports."""
    hazardous = ", ".join("'" + c + "'" for c in sorted(HAZARDOUS))  # fixed words of the domain, not user text
    query = (f"SELECT store, recall_id, remedy, confirmation, condition IN ({hazardous}) AS hazardous, "
             "status, count(*) AS n FROM hq.returns WHERE business_date <= %s")
    params: list[Any] = [date_to]
    if date_from is not None:
        query += " AND business_date >= %s"
        params.append(date_from)
    if store is not None:
        query += " AND store = %s"
        params.append(store)
    if recall is not None:
        query += " AND recall_id = %s"
        params.append(recall)
    query += " GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6"
    keys = ("store", "recall_id", "remedy", "confirmation", "hazardous", "status", "n")
    return [dict(zip(keys, r)) for r in conn.execute(query, params)]


def newest_catalogue_sha(conn: psycopg.Connection) -> str | None:
    """The checksum of the newest catalogue head office published, if any."""
    if conn.execute("SELECT to_regclass('hq.catalogues') IS NULL").fetchone()[0]:  # type: ignore[index]
        return None
    row = conn.execute('SELECT sha256 FROM hq.catalogues ORDER BY version COLLATE "C" DESC LIMIT 1').fetchone()
    return str(row[0]) if row else None


def catalogue_document(conn: psycopg.Connection, sha256: str) -> str | None:
    row = conn.execute("SELECT document FROM hq.catalogues WHERE sha256 = %s LIMIT 1", (sha256,)).fetchone()
    return str(row[0]) if row else None


def readable_stores(conn: psycopg.Connection) -> list[str]:
    """The stores the connected read-only role may see."""
    return [str(r[0]) for r in conn.execute("SELECT hq.readable_stores()")]


def store_day_incidents(conn: psycopg.Connection, store: str, business_date: str) -> list[dict[str, Any]]:
    """The counters' incidents and enquiries of one store and business day (none before 0004)."""
    if conn.execute("SELECT to_regclass('hq.incidents') IS NULL").fetchone()[0]:  # type: ignore[index]
        return []
    keys = ("recorded_at", "counter", "clerk", "kind", "action", "model_input", "model", "verdict", "condition", "notes")
    cur = conn.execute(f"SELECT {', '.join(keys)} FROM hq.incidents WHERE store = %s AND business_date = %s "
                       "ORDER BY recorded_at, counter", (store, business_date))
    return [dict(zip(keys, r)) for r in cur]
