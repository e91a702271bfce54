"""Reading and writing the tables. Functions take a :class:`Connection`; writes run inside
``conn.write()`` opened by the caller, so one business operation is one transaction."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid as uuidlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from returns_desk.domain.integrity import event_hash
from returns_desk.domain.returns import RECORDED_FIELDS
from returns_desk.storage.database import Connection, StorageError, translate_sqlite_error
from returns_desk.storage.startup_reads import active_catalogue, settings  # noqa: F401  (the repository's reads of the two, kept in one place)

if TYPE_CHECKING:  # the handle is Connection.db: sqlite-utils is loaded only when its table API is used
    from sqlite_utils import Database


def _rows(src: Connection | Database, sql: str, params: tuple | list = ()) -> list[dict[str, Any]]:
    """Rows as dicts from either an open Connection or the Database of a write transaction."""
    if isinstance(src, Connection):
        return src.read(sql, tuple(params))
    cur = src.execute(sql, tuple(params))
    cols = [d[0] for d in cur.description or ()]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


# --- settings ------------------------------------------------------------------------------


def put_settings(db: Database, values: dict[str, str]) -> None:
    db.table("settings").upsert_all([{"key": k, "value": v} for k, v in values.items()], pk="key")


# --- catalogue -----------------------------------------------------------------------------


def catalogue_history(conn: Connection) -> list[dict[str, Any]]:
    return conn.read("SELECT id, version, source, loaded_at, sha256, active FROM catalogue ORDER BY id")


def activate_catalogue(db: Database, *, version: str, source: str, loaded_at: str, sha256: str, document: str) -> int:
    db.execute("UPDATE catalogue SET active = 0 WHERE active = 1")
    cur = db.execute(
        "INSERT INTO catalogue (version, source, loaded_at, sha256, active, document) VALUES (?, ?, ?, ?, 1, ?)",
        (version, source, loaded_at, sha256, document),
    )
    return int(cur.lastrowid or 0)


# --- audit ---------------------------------------------------------------------------------


#: ``json.dumps(details, ensure_ascii=False, sort_keys=True)``, its encoder made once
_DETAILS_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def audit(db: Database, *, at: str, actor: str, action: str, entity: str | None = None, entity_id: str | None = None, details: dict | None = None) -> int:
    """Append one event to the hash chain, signed by the counter's key when the handle has a
    signer (``LazyDatabase.signer``). Runs inside the caller's write transaction (BEGIN
    IMMEDIATE), so no other writer can slip an event in between reading the last hash and
    writing the next. Returns the event's id."""
    signer = getattr(db, "signer", None)
    if signer is not None:
        signer.prepare(db)  # the first write of a counter announces its key (an event of its own)
    last = db.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    event_id = (last[0] + 1) if last else 1
    prev = last[1] if last else None
    text = _DETAILS_JSON.encode(details) if details else None
    digest = event_hash(event_id, at, actor, action, entity, entity_id, text, prev)
    key_id, signature = signer.sign(digest) if signer is not None else (None, None)
    db.execute(
        "INSERT INTO audit (id, at, actor, action, entity, entity_id, details, prev_hash, hash, key_id, signature, uuid) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (event_id, at, actor, action, entity, entity_id, text, prev, digest, key_id, signature, str(uuidlib.uuid4())),
    )
    return event_id


def signing_keys(src: Connection | Database) -> list[dict[str, Any]]:
    """The counters' public keys, in the order they were announced."""
    return _rows(src, "SELECT key_id, public_key, event_id, announced_at, machine FROM signing_keys ORDER BY event_id")


def signing_key_known(db: Database, key_id: str) -> bool:
    return db.execute("SELECT 1 FROM signing_keys WHERE key_id = ?", (key_id,)).fetchone() is not None


def insert_signing_key(db: Database, *, key_id: str, public_key: str, event_id: int, announced_at: str, machine: str) -> None:
    db.execute(
        "INSERT INTO signing_keys (key_id, public_key, event_id, announced_at, machine) VALUES (?, ?, ?, ?, ?)",
        (key_id, public_key, event_id, announced_at, machine),
    )


def audit_head(src: Connection | Database) -> tuple[int, str] | None:
    """(id, hash) of the newest event: the chain's position printed as the paper anchor."""
    rows = _rows(src, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")
    return (int(rows[0]["id"]), str(rows[0]["hash"])) if rows else None


def audit_hashes(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """id -> hash of the given events (those that exist)."""
    return {int(r["id"]): r["hash"] for r in _rows_in(conn, "SELECT id, hash FROM audit", "id", sorted(set(ids)))}


def audit_uuids(conn: Connection) -> list[dict[str, Any]]:
    return conn.read("SELECT id, uuid FROM audit ORDER BY id")


def audit_identities(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """id -> (uuid, hash) of the given events (those that exist)."""
    rows = _rows_in(conn, "SELECT id, uuid, hash FROM audit", "id", sorted(set(ids)))
    return {int(r["id"]): (str(r["uuid"]), str(r["hash"])) for r in rows}


def all_closures(conn: Connection) -> list[dict[str, Any]]:
    """Every stored Z, snapshot included, in closing order."""
    return conn.read("SELECT * FROM closures ORDER BY id")


def audit_events(conn: Connection, action: str | None = None) -> list[dict[str, Any]]:
    if action:
        return conn.read("SELECT * FROM audit WHERE action = ? ORDER BY id", (action,))
    return conn.read("SELECT * FROM audit ORDER BY id")


# --- head-office sync: the outbox is the audit trail ----------------------------------------


def device_id(src: Connection | Database) -> str:
    """This database's device id (m010 makes one; a restore makes a new one)."""
    return str(_rows(src, "SELECT device_id FROM device WHERE id = 1")[0]["device_id"])


def renew_device_id(db: Database, *, at: str) -> str:
    new = str(uuidlib.uuid4())
    db.execute("UPDATE device SET device_id = ?, created_at = ? WHERE id = 1", (new, at))
    return new


def events_after(src: Connection | Database, seq: int, limit: int) -> list[dict[str, Any]]:
    """Audit events with a sequence above ``seq``, in order, every column of the table (a column
    added later travels along without a change here)."""
    return _rows(src, "SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?", (seq, limit))


def last_event_seq(src: Connection | Database) -> int:
    return int(_rows(src, "SELECT coalesce(max(id), 0) AS n FROM audit")[0]["n"])


def _rows_in(src: Connection | Database, select: str, column: str, values: Sequence[Any]) -> list[dict[str, Any]]:
    """``select`` (a fixed text, never user input) ``WHERE column IN (values)``, in chunks that stay
    under SQLite's limit on bound parameters."""
    out: list[dict[str, Any]] = []
    for i in range(0, len(values), 500):
        part = list(values[i : i + 500])
        out.extend(_rows(src, f"{select} WHERE {column} IN ({', '.join('?' for _ in part)})", part))
    return out


def returns_by_uuid(src: Connection | Database, uuids: Sequence[str]) -> dict[str, dict[str, Any]]:
    return {r["uuid"]: r for r in _rows_in(src, "SELECT * FROM returns", "uuid", uuids)}


def incidents_by_uuid(src: Connection | Database, uuids: Sequence[str]) -> dict[str, dict[str, Any]]:
    return {r["uuid"]: r for r in _rows_in(src, "SELECT * FROM incidents", "uuid", uuids)}


SYNC_STATE_FIELDS = ("acked_seq", "last_attempt_at", "last_success_at", "last_error", "offline_since", "server_skew_seconds")


def sync_state(src: Connection | Database, device: str) -> dict[str, Any]:
    rows = _rows(src, f"SELECT {', '.join(SYNC_STATE_FIELDS)} FROM sync_state WHERE device_id = ?", (device,))
    return rows[0] if rows else {f: (0 if f == "acked_seq" else None) for f in SYNC_STATE_FIELDS}


def put_sync_state(db: Database, device: str, values: dict[str, Any]) -> None:
    unknown = set(values) - set(SYNC_STATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown sync state fields: {sorted(unknown)}")
    db.execute("INSERT INTO sync_state (device_id) VALUES (?) ON CONFLICT (device_id) DO NOTHING", (device,))
    if values:
        sets = ", ".join(f"{k} = ?" for k in values)
        db.execute(f"UPDATE sync_state SET {sets} WHERE device_id = ?", (*values.values(), device))


# --- returns -------------------------------------------------------------------------------


def next_ticket_number(db: Database, store: str, counter: str, business_date: str) -> int:
    """The next sequence number for (store, counter, day), inside the caller's write transaction."""
    row = db.execute(
        "INSERT INTO ticket_sequence (store, counter, business_date, last) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (store, counter, business_date) DO UPDATE SET last = last + 1 RETURNING last",
        (store, counter, business_date),
    ).fetchone()
    return int(row[0])


#: Recorded with a return since migration m013: the warning the clerk was shown and saved it despite.
WARNING_COLUMNS = ("check_warning",)
#: Every column written when a return is recorded: the fields of domain.returns.ReturnEntry.
INSERT_COLUMNS = RECORDED_FIELDS
#: The same without the warning: the pre-m013 columns the earlier migrations' triggers were built from.
RETURN_COLUMNS = tuple(c for c in INSERT_COLUMNS if c not in WARNING_COLUMNS)


def digest_columns(row: dict[str, Any]) -> tuple[str, ...]:
    """The columns fingerprinted for a return: the warning only when there is one, so that every
    return recorded before m013 (none has a warning) keeps the digest it was recorded with."""
    return INSERT_COLUMNS if row.get("check_warning") is not None else RETURN_COLUMNS


_INSERT_RETURN = f"INSERT INTO returns ({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join('?' for _ in INSERT_COLUMNS)})"


def insert_return(db: Database, row: dict[str, Any]) -> int:
    cur = db.execute(_INSERT_RETURN, tuple(row.get(c) for c in INSERT_COLUMNS))
    return int(cur.lastrowid or 0)


def insert_returns_batch(db: Database, rows: Iterable[dict[str, Any]]) -> None:
    """The batch path (data generators, merges): one prepared statement, many rows."""
    cols = ", ".join(RETURN_COLUMNS + ("status", "void_reason", "void_by", "void_at"))
    marks = ", ".join("?" for _ in range(len(RETURN_COLUMNS) + 4))
    db.conn.executemany(
        f"INSERT INTO returns ({cols}) VALUES ({marks})",
        (tuple(r.get(c) for c in RETURN_COLUMNS) + (r.get("status", "active"), r.get("void_reason"), r.get("void_by"), r.get("void_at")) for r in rows),
    )


def insert_return_tuples(db: Database, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """The fastest batch path: rows as tuples in ``columns`` order (names checked against the schema)."""
    allowed = set(INSERT_COLUMNS) | {"status", "void_reason", "void_by", "void_at"}
    unknown = set(columns) - allowed
    if unknown:
        raise ValueError(f"unknown return columns: {sorted(unknown)}")
    marks = ", ".join("?" for _ in columns)
    db.conn.executemany(f"INSERT INTO returns ({', '.join(columns)}) VALUES ({marks})", rows)


def set_ticket_sequences(db: Database, rows: Iterable[tuple[str, str, str, int]]) -> None:
    """(store, counter, business_date, last ticket number) for data loaded in bulk."""
    db.conn.executemany(
        "INSERT INTO ticket_sequence (store, counter, business_date, last) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (store, counter, business_date) DO UPDATE SET last = max(last, excluded.last)",
        rows,
    )


def active_return_with_serial(db: Database, model: str, serial: str) -> str | None:
    """The ticket of the first active return of this model with this serial. Found by the serial
    (a serial has a few returns at most), never by the model's (tens of thousands)."""
    row = db.execute(
        "SELECT ticket FROM returns INDEXED BY returns_by_serial_alone WHERE serial = ? AND model = ? AND status = 'active' "
        "ORDER BY id LIMIT 1",
        (serial, model),
    ).fetchone()
    return row[0] if row else None


def return_by_ticket(conn: Connection | Database, ticket: str) -> dict[str, Any] | None:
    rows = _rows(conn, "SELECT * FROM returns WHERE ticket = ?", (ticket,))
    return rows[0] if rows else None


def set_confirmation(db: Database, ticket: str, result: str) -> int:
    """pending -> confirmed | rejected (the trigger refuses anything else)."""
    cur = db.execute("UPDATE returns SET confirmation = ? WHERE ticket = ? AND confirmation = 'pending'", (result, ticket))
    return cur.rowcount


def void_return(db: Database, ticket: str, *, reason: str, by: str, at: str) -> int:
    cur = db.execute(
        "UPDATE returns SET status = 'void', void_reason = ?, void_by = ?, void_at = ? WHERE ticket = ? AND status = 'active'",
        (reason, by, at, ticket),
    )
    return cur.rowcount


@dataclass(frozen=True)
class ReturnFilter:
    date_from: str | None = None
    date_to: str | None = None
    clerk: str | None = None
    model: str | None = None
    remedy: str | None = None
    status: str | None = None  # active | void
    search: str | None = None  # ticket, serial, receipt or notes contain this text

    def where(self) -> tuple[str, list[Any]]:
        parts: list[str] = []
        args: list[Any] = []
        if self.date_from:
            parts.append("business_date >= ?")
            args.append(self.date_from)
        if self.date_to:
            parts.append("business_date <= ?")
            args.append(self.date_to)
        for col in ("clerk", "model", "remedy", "status"):
            value = getattr(self, col)
            if value:
                parts.append(f"{col} = ?")
                args.append(value)
        if self.search:
            parts.append("(instr(ticket, ?) OR instr(serial, ?) OR instr(receipt, ?) OR instr(notes, ?))")
            args.extend([self.search] * 4)
        return (" WHERE " + " AND ".join(parts)) if parts else "", args


def query_returns(conn: Connection, flt: ReturnFilter, *, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    where, args = flt.where()
    return conn.read(f"SELECT * FROM returns{where} ORDER BY id DESC LIMIT ? OFFSET ?", (*args, limit, offset))


def count_returns(conn: Connection, flt: ReturnFilter) -> int:
    where, args = flt.where()
    return int(conn.read(f"SELECT count(*) AS n FROM returns{where}", tuple(args))[0]["n"])


TALLY_KEYS = {
    "day": "business_date", "store": "store", "counter": "counter", "clerk": "clerk", "brand": "brand", "model": "model",
    "recall": "recall_id", "remedy": "remedy",
}

#: The tally rollups (migration m015, kept by triggers): table -> the columns of ``returns`` it is
#: keyed by; each row holds ``n`` and ``amount_minor`` of the active returns, ``voided`` and
#: ``voided_amount_minor`` of the voided ones. Smallest first (on the generated year of a million
#: returns: about 16,000 rows by product, 88,000 by person).
ROLLUPS: dict[str, tuple[str, ...]] = {
    "rollup_products": ("business_date", "store", "brand", "model", "recall_id", "remedy", "confirmation", "currency"),
    "rollup_clerks": ("business_date", "store", "counter", "clerk", "remedy", "currency"),
}


def tally_source(group_by: Sequence[str]) -> str:
    """The table a tally by these keys reads: the smallest rollup holding every key, else
    ``returns`` itself (a person together with a product: no rollup keeps both, it would have
    almost a row per return)."""
    wanted = {TALLY_KEYS[k] for k in group_by}
    return next((table for table, keys in ROLLUPS.items() if wanted <= set(keys)), "returns")


def tally(conn: Connection, date_from: str, date_to: str, group_by: Sequence[str]) -> list[dict[str, Any]]:
    """Non-voided returns between two business dates (inclusive), grouped by the given keys,
    with count and amount per currency. Keys come from TALLY_KEYS only (never from user text).
    Read from a rollup where one holds the keys (``tally_source``); the figures are those of a
    scan of the returns (tests/test_rollups.py compares every combination)."""
    cols = [f"{TALLY_KEYS[k]} AS {k}" for k in group_by]
    keys = [TALLY_KEYS[k] for k in group_by]
    group = ", ".join(keys + ["currency"])
    source = tally_source(group_by)
    if source == "returns":
        select = ", ".join(cols + ["count(*) AS count", "sum(amount_minor) AS amount_minor", "currency"])
        sql = (
            f"SELECT {select} FROM returns WHERE status = 'active' AND business_date BETWEEN ? AND ? "
            f"GROUP BY {group} ORDER BY {group}"
        )
    else:
        select = ", ".join(cols + ["sum(n) AS count", "sum(amount_minor) AS amount_minor", "currency"])
        sql = (
            f"SELECT {select} FROM {source} WHERE business_date BETWEEN ? AND ? "
            f"GROUP BY {group} HAVING sum(n) > 0 ORDER BY {group}"
        )
    return conn.read(sql, (date_from, date_to))


def scan_tally(conn: Connection, date_from: str, date_to: str, group_by: Sequence[str]) -> list[dict[str, Any]]:
    """The same figures as ``tally`` from a scan of every return (what the rollups must equal)."""
    cols = [f"{TALLY_KEYS[k]} AS {k}" for k in group_by]
    group = ", ".join([TALLY_KEYS[k] for k in group_by] + ["currency"])
    select = ", ".join(cols + ["count(*) AS count", "sum(amount_minor) AS amount_minor", "currency"])
    return conn.read(
        f"SELECT {select} FROM returns WHERE status = 'active' AND business_date BETWEEN ? AND ? GROUP BY {group} ORDER BY {group}",
        (date_from, date_to),
    )


def _rollup_totals(keys: Sequence[str]) -> str:
    k = ", ".join(keys)
    return (
        f"SELECT {k}, sum(status = 'active') AS n, sum(CASE WHEN status = 'active' THEN amount_minor ELSE 0 END) AS amount_minor, "
        f"sum(status = 'void') AS voided, sum(CASE WHEN status = 'void' THEN amount_minor ELSE 0 END) AS voided_amount_minor "
        f"FROM returns GROUP BY {k}"
    )


#: The triggers (m015) that keep ``return_counts`` and the rollups equal to the returns.
TOTALS_TRIGGERS = ("returns_totals_insert", "returns_totals_update", "returns_totals_delete")


def fill_totals(db: Database) -> None:
    """``return_counts`` and every rollup made again from the returns (for bulk loads that insert
    with ``TOTALS_TRIGGERS`` dropped)."""
    counted = "business_date, store, counter, recall_id, remedy, confirmation"
    db.execute("DELETE FROM return_counts")
    db.execute(f"INSERT INTO return_counts ({counted}, n) SELECT {counted}, count(*) FROM returns WHERE status = 'active' GROUP BY {counted}")
    for table, keys in ROLLUPS.items():
        db.execute(f"DELETE FROM {table}")
        db.execute(f"INSERT INTO {table} ({', '.join(keys)}, n, amount_minor, voided, voided_amount_minor) {_rollup_totals(keys)}")


ROLLUP_FIGURES = ("n", "amount_minor", "voided", "voided_amount_minor")


def rollup_mismatches(conn: Connection, limit: int = 5) -> list[dict[str, Any]]:
    """Rows of the rollups that differ from a recount of the returns (one scan of the returns
    per rollup): table, its key columns, and kept_* / actual_* of each figure."""
    out: list[dict[str, Any]] = []
    for table, keys in ROLLUPS.items():
        k = ", ".join(keys)
        figs = ", ".join(ROLLUP_FIGURES)
        kept = ", ".join(f"coalesce(k.{f}, 0) AS kept_{f}" for f in ROLLUP_FIGURES)
        actual = ", ".join(f"coalesce(a.{f}, 0) AS actual_{f}" for f in ROLLUP_FIGURES)
        differ = " OR ".join(f"coalesce(k.{f}, 0) != coalesce(a.{f}, 0)" for f in ROLLUP_FIGURES)
        from_kept = ", ".join(f"k.{c} AS {c}" for c in keys)
        from_actual = ", ".join(f"a.{c} AS {c}" for c in keys)
        sql = f"""
            WITH actual AS ({_rollup_totals(keys)}),
                 kept AS (SELECT {k}, {figs} FROM {table})
            SELECT {from_kept}, {kept}, {actual} FROM kept k LEFT JOIN actual a USING ({k}) WHERE {differ}
            UNION ALL
            SELECT {from_actual}, {kept}, {actual} FROM actual a LEFT JOIN kept k USING ({k}) WHERE k.n IS NULL
            LIMIT ?
        """
        out.extend({"table": table, **r} for r in conn.read(sql, (limit,)))
    return out


# --- people ---------------------------------------------------------------------------------


def clerk_count(conn: Connection) -> int:
    return int(conn.read("SELECT count(*) AS n FROM clerks")[0]["n"])


def clerks(conn: Connection) -> list[dict[str, Any]]:
    return conn.read("SELECT id, name, role, active, failed_attempts, locked_until, created_at FROM clerks ORDER BY name")


def clerk_by_name(db: Database | Connection, name: str) -> dict[str, Any] | None:
    rows = _rows(db, "SELECT * FROM clerks WHERE name = ?", (name,))
    return rows[0] if rows else None


def add_clerk(db: Database, *, name: str, role: str, pin_hash: bytes, pin_salt: bytes, pin_params: str, created_at: str) -> None:
    db.execute(
        "INSERT INTO clerks (name, role, pin_hash, pin_salt, pin_params, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (name, role, pin_hash, pin_salt, pin_params, created_at),
    )


def set_clerk_active(db: Database, name: str, active: bool) -> int:
    return db.execute("UPDATE clerks SET active = ? WHERE name = ?", (int(active), name)).rowcount


def set_clerk_pin(db: Database, name: str, pin_hash: bytes, pin_salt: bytes, pin_params: str) -> None:
    db.execute("UPDATE clerks SET pin_hash = ?, pin_salt = ?, pin_params = ?, failed_attempts = 0, locked_until = NULL WHERE name = ?",
               (pin_hash, pin_salt, pin_params, name))


def record_sign_in_attempt(db: Database, name: str, *, ok: bool, locked_until: str | None) -> None:
    if ok:
        db.execute("UPDATE clerks SET failed_attempts = 0, locked_until = NULL WHERE name = ?", (name,))
    else:
        db.execute("UPDATE clerks SET failed_attempts = failed_attempts + 1, locked_until = ? WHERE name = ?", (locked_until, name))


# --- verification ---------------------------------------------------------------------------


def audit_chain(conn: Connection) -> Iterable[tuple]:
    """Every audit event in order, as tuples (id, at, actor, action, entity, entity_id, details,
    prev_hash, hash, key_id, signature)."""
    with _reading_damage(conn):
        cur = conn.db.conn.execute(
            "SELECT id, at, actor, action, entity, entity_id, details, prev_hash, hash, key_id, signature FROM audit ORDER BY id"
        )
        yield from cur


def all_returns(conn: Connection) -> Iterable[dict[str, Any]]:
    with _reading_damage(conn):
        cur = conn.db.conn.execute("SELECT * FROM returns ORDER BY id")
        cols = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(cols, row))


def count_mismatches(conn: Connection) -> list[dict[str, Any]]:
    """Where the running counts (``return_counts``, kept by triggers, read by the reports' recall
    progress) differ from a recount of the active returns: (business_date, store, counter,
    recall_id, remedy, confirmation, kept, actual)."""
    keys = "business_date, store, counter, recall_id, remedy, confirmation"
    sql = f"""
        WITH actual AS (SELECT {keys}, count(*) AS n FROM returns WHERE status = 'active' GROUP BY {keys}),
             kept AS (SELECT {keys}, n FROM return_counts WHERE n != 0)
        SELECT k.business_date, k.store, k.counter, k.recall_id, k.remedy, k.confirmation, k.n AS kept, coalesce(a.n, 0) AS actual
        FROM kept k LEFT JOIN actual a USING ({keys}) WHERE a.n IS NOT k.n
        UNION ALL
        SELECT a.business_date, a.store, a.counter, a.recall_id, a.remedy, a.confirmation, 0, a.n
        FROM actual a LEFT JOIN kept k USING ({keys}) WHERE k.n IS NULL
        ORDER BY 1, 2, 3, 4, 5, 6
    """
    return conn.read(sql)


@contextlib.contextmanager
def _reading_damage(conn: Connection) -> Iterator[None]:
    """A long read that meets damage (a page SQLite cannot read, text that is not UTF-8) says
    so as a StorageError, like every other read."""
    try:
        yield
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, conn.path) from None
    except UnicodeDecodeError as exc:
        raise StorageError("db_damaged", path=conn.path, detail=f"text that is not UTF-8 ({exc.reason})") from None
# --- daily reports and day closures ---------------------------------------------------------


WHOLE_STORE = "*"


def returns_for_day(
    src: Connection | Database, business_date: str, store: str, counter: str | None = None, *, columns: Sequence[str]
) -> list[tuple]:
    """Every return (active and void) of one business day, for one counter or the whole store,
    in the order they were recorded, as tuples of ``columns`` (names checked against the schema).
    The daily report computes all its figures from these rows. The index ``returns_by_store_day``
    (m006) finds the day's rows already in recording order: no sort, no scan."""
    unknown = set(columns) - REPORTABLE_COLUMNS
    if unknown or not columns:
        raise ValueError(f"unknown return columns: {sorted(unknown)}")
    sql = f"SELECT {', '.join(columns)} FROM returns WHERE business_date = ? AND store = ?"
    args: list[Any] = [business_date, store]
    if counter is not None:
        sql += " AND counter = ?"
        args.append(counter)
    sql += " ORDER BY recorded_at, id"
    if isinstance(src, Connection):
        return src.read_tuples(sql, tuple(args))
    return src.execute(sql, tuple(args)).fetchall()


#: Every column of ``returns`` a reader may ask for by name.
REPORTABLE_COLUMNS = frozenset(("id",) + INSERT_COLUMNS + ("status", "void_reason", "void_by", "void_at"))


def recall_progress(
    src: Connection | Database, date_from: str | None, date_to: str, *, store: str | None = None, counter: str | None = None
) -> list[dict[str, Any]]:
    """Non-voided returns per recall, remedy and confirmation state between two business dates
    (``date_from`` None: since the first), from the trigger-kept ``return_counts``."""
    where = ["business_date <= ?"]
    args: list[Any] = [date_to]
    if date_from is not None:
        where.append("business_date >= ?")
        args.append(date_from)
    if store is not None:
        where.append("store = ?")
        args.append(store)
    if counter is not None:
        where.append("counter = ?")
        args.append(counter)
    sql = (
        "SELECT recall_id, remedy, confirmation, sum(n) AS n FROM return_counts WHERE "
        + " AND ".join(where)
        + " GROUP BY recall_id, remedy, confirmation HAVING sum(n) > 0 ORDER BY recall_id, remedy, confirmation"
    )
    return _rows(src, sql, args)


def closure(src: Connection | Database, store: str, counter: str, business_date: str) -> dict[str, Any] | None:
    rows = _rows(src, "SELECT * FROM closures WHERE store = ? AND counter = ? AND business_date = ?", (store, counter, business_date))
    return rows[0] if rows else None


def closure_by_number(src: Connection | Database, store: str, counter: str, z_number: int) -> dict[str, Any] | None:
    rows = _rows(src, "SELECT * FROM closures WHERE store = ? AND counter = ? AND z_number = ?", (store, counter, z_number))
    return rows[0] if rows else None


def closed_dates_from(src: Connection | Database, store: str, counter: str, business_date: str) -> set[str]:
    """Business dates on or after ``business_date`` closed for this counter or for the whole store."""
    rows = _rows(
        src,
        "SELECT business_date FROM closures WHERE store = ? AND counter IN (?, ?) AND business_date >= ?",
        (store, counter, WHOLE_STORE, business_date),
    )
    return {r["business_date"] for r in rows}


def next_z_number(db: Database, store: str, counter: str) -> int:
    row = db.execute("SELECT coalesce(max(z_number), 0) + 1 FROM closures WHERE store = ? AND counter = ?", (store, counter)).fetchone()
    return int(row[0])


def insert_closure(
    db: Database, *, store: str, counter: str, business_date: str, z_number: int, closed_at: str, closed_by: str, snapshot: str, sha256: str
) -> int:
    cur = db.execute(
        "INSERT INTO closures (store, counter, business_date, z_number, closed_at, closed_by, snapshot, sha256) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (store, counter, business_date, z_number, closed_at, closed_by, snapshot, sha256),
    )
    return int(cur.lastrowid or 0)


def closures(src: Connection | Database, store: str) -> list[dict[str, Any]]:
    return _rows(
        src,
        "SELECT id, store, counter, business_date, z_number, closed_at, closed_by, sha256 FROM closures WHERE store = ? ORDER BY id",
        (store,),
    )


# --- incidents and enquiries ---------------------------------------------------------------

INCIDENT_COLUMNS = (
    "uuid", "recorded_at", "business_date", "time_zone", "store", "counter", "clerk", "kind", "action",
    "model_input", "model", "verdict", "condition", "notes",
)


def insert_incident(db: Database, row: dict[str, Any]) -> int:
    cur = db.execute(
        f"INSERT INTO incidents ({', '.join(INCIDENT_COLUMNS)}) VALUES ({', '.join('?' for _ in INCIDENT_COLUMNS)})",
        tuple(row.get(c) for c in INCIDENT_COLUMNS),
    )
    return int(cur.lastrowid or 0)


def incidents_for_day(conn: Connection | Database, store: str, business_date: str, counter: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM incidents WHERE store = ? AND business_date = ?"
    args: list[Any] = [store, business_date]
    if counter:
        sql += " AND counter = ?"
        args.append(counter)
    sql += " ORDER BY id"
    if isinstance(conn, Connection):
        return conn.read(sql, tuple(args))
    cur = conn.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def recent_incidents(conn: Connection, limit: int = 200) -> list[dict[str, Any]]:
    return conn.read("SELECT * FROM incidents ORDER BY id DESC LIMIT ?", (limit,))
