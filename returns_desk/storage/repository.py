"""Reading and writing the tables. Functions take a :class:`Connection`; writes run inside
``conn.write()`` opened by the caller, so one business operation is one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from returns_desk.storage.database import Connection

if TYPE_CHECKING:  # the handle is Connection.db: sqlite-utils is loaded only when its table API is used
    from sqlite_utils import Database

# --- settings ------------------------------------------------------------------------------


def settings(conn: Connection) -> dict[str, str]:
    return {r["key"]: r["value"] for r in conn.read("SELECT key, value FROM settings")}


def put_settings(db: Database, values: dict[str, str]) -> None:
    db["settings"].upsert_all([{"key": k, "value": v} for k, v in values.items()], pk="key")


# --- catalogue -----------------------------------------------------------------------------


def active_catalogue(conn: Connection) -> dict[str, Any] | None:
    rows = conn.read("SELECT id, version, source, loaded_at, sha256, document FROM catalogue WHERE active = 1")
    return rows[0] if rows else None


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


def audit(db: Database, *, at: str, actor: str, action: str, entity: str | None = None, entity_id: str | None = None, details: dict | None = None) -> None:
    db.execute(
        "INSERT INTO audit (at, actor, action, entity, entity_id, details) VALUES (?, ?, ?, ?, ?, ?)",
        (at, actor, action, entity, entity_id, json.dumps(details, ensure_ascii=False, sort_keys=True) if details else None),
    )


def audit_events(conn: Connection, action: str | None = None) -> list[dict[str, Any]]:
    if action:
        return conn.read("SELECT * FROM audit WHERE action = ? ORDER BY id", (action,))
    return conn.read("SELECT * FROM audit ORDER BY id")


# --- returns -------------------------------------------------------------------------------


def next_ticket_number(db: Database, store: str, counter: str, business_date: str) -> int:
    """The next sequence number for (store, counter, day), inside the caller's write transaction."""
    row = db.execute(
        "INSERT INTO ticket_sequence (store, counter, business_date, last) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (store, counter, business_date) DO UPDATE SET last = last + 1 RETURNING last",
        (store, counter, business_date),
    ).fetchone()
    return int(row[0])


RETURN_COLUMNS = (
    "uuid", "ticket", "recorded_at", "business_date", "time_zone", "store", "counter", "clerk", "market",
    "model_input", "model", "brand", "recall_id", "verdict", "catalogue_version", "confirmation", "serial",
    "batch_code", "made_on", "condition", "remedy", "amount_minor", "currency", "replacement_model", "receipt",
    "proof_type", "customer_contact", "notes", "override_reason", "override_by", "duplicate_of",
    "isolation_confirmed_at",
)


_INSERT_RETURN = f"INSERT INTO returns ({', '.join(RETURN_COLUMNS)}) VALUES ({', '.join('?' for _ in RETURN_COLUMNS)})"


def insert_return(db: Database, row: dict[str, Any]) -> int:
    cur = db.execute(_INSERT_RETURN, tuple(row.get(c) for c in RETURN_COLUMNS))
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
    allowed = set(RETURN_COLUMNS) | {"status", "void_reason", "void_by", "void_at"}
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
    row = db.execute(
        "SELECT ticket FROM returns WHERE model = ? AND serial = ? AND status = 'active' ORDER BY id LIMIT 1", (model, serial)
    ).fetchone()
    return row[0] if row else None


def return_by_ticket(conn: Connection | Database, ticket: str) -> dict[str, Any] | None:
    sql = "SELECT * FROM returns WHERE ticket = ?"
    if isinstance(conn, Connection):
        rows = conn.read(sql, (ticket,))
        return rows[0] if rows else None
    cur = conn.execute(sql, (ticket,))
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None


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


TALLY_KEYS = {"day": "business_date", "clerk": "clerk", "brand": "brand", "model": "model", "remedy": "remedy"}


def tally(conn: Connection, date_from: str, date_to: str, group_by: Sequence[str]) -> list[dict[str, Any]]:
    """Non-voided returns between two business dates (inclusive), grouped by the given keys,
    with count and amount per currency. Keys come from TALLY_KEYS only (never from user text)."""
    cols = [f"{TALLY_KEYS[k]} AS {k}" for k in group_by]
    keys = [TALLY_KEYS[k] for k in group_by]
    select = ", ".join(cols + ["count(*) AS count", "sum(amount_minor) AS amount_minor", "currency"])
    group = ", ".join(keys + ["currency"])
    sql = (
        f"SELECT {select} FROM returns WHERE status = 'active' AND business_date BETWEEN ? AND ? "
        f"GROUP BY {group} ORDER BY {group}"
    )
    return conn.read(sql, (date_from, date_to))
