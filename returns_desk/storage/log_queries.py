"""Paged reads for the returns log: never load every row.

Rows are shown newest first. Returns are never deleted (a trigger refuses it) and ids are
assigned in order, so a page can start from an id (keyset paging, constant time at any depth)
whenever the previous page is known. A jump into the middle of the unfiltered log is a seek too
when the ids are provably dense (``max(id) - min(id) + 1`` equals the row count the caller
knows: row ``n`` from the top is then ``id = max(id) - n``); otherwise it is an OFFSET, counted
from whichever end of the (filtered) log is nearer, so the last page of a million rows costs
no more than the first."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from returns_desk.storage.database import Connection, translate_sqlite_error
from returns_desk.storage.repository import ReturnFilter, count_returns

LOG_COLUMNS = (
    "id", "ticket", "recorded_at", "business_date", "time_zone", "clerk", "model", "brand", "recall_id", "serial",
    "batch_code", "condition", "remedy", "amount_minor", "currency", "confirmation", "status", "override_reason",
    "duplicate_of", "receipt",
)
_SELECT = "SELECT " + ", ".join(LOG_COLUMNS) + " FROM returns"


def page_by_offset(conn: Connection, flt: ReturnFilter, offset: int, limit: int, *, total: int | None = None) -> list[dict[str, Any]]:
    """Rows ``offset .. offset + limit`` of the filtered log, newest first. ``total``, the number
    of rows the filter matches as the caller counted it, lets the read seek instead of skip."""
    where, args = flt.where()
    if total is not None and offset >= 0:
        if not where:
            ends = conn.read("SELECT (SELECT max(id) FROM returns) AS hi, (SELECT min(id) FROM returns) AS lo")[0]
            if ends["hi"] is not None and ends["hi"] - ends["lo"] + 1 == total:
                return conn.read(f"{_SELECT} WHERE id <= ? ORDER BY id DESC LIMIT ?", (ends["hi"] - offset, limit))
        if offset > total // 2:
            n = min(limit, total - offset)
            if n <= 0:
                return []
            rows = conn.read(f"{_SELECT}{where} ORDER BY id ASC LIMIT ? OFFSET ?", (*args, n, total - offset - n))
            rows.reverse()
            return rows
    return conn.read(f"{_SELECT}{where} ORDER BY id DESC LIMIT ? OFFSET ?", (*args, limit, offset))


def page_before_id(conn: Connection, flt: ReturnFilter, before_id: int, limit: int) -> list[dict[str, Any]]:
    where, args = flt.where()
    joiner = " AND " if where else " WHERE "
    return conn.read(f"{_SELECT}{where}{joiner}id < ? ORDER BY id DESC LIMIT ?", (*args, before_id, limit))


def count_upper_bound(conn: Connection) -> int:
    """``max(id) - min(id) + 1``: two index seeks, at any size. Returns are never deleted (a
    trigger refuses it) and SQLite gives each new row ``max(id) + 1``, so this is the number of
    returns; only a file edited outside the application can hold fewer (gaps), never more (ids
    are unique). The log shows it at once and corrects it when the real count arrives."""
    ends = conn.read("SELECT (SELECT max(id) FROM returns) AS hi, (SELECT min(id) FROM returns) AS lo")[0]
    return 0 if ends["hi"] is None else int(ends["hi"]) - int(ends["lo"]) + 1


def count_in_background(
    conn: Connection, flt: ReturnFilter, on_done: Callable[[int | None], None] | None = None
) -> Callable[[], int]:
    """Start counting the filtered log on a second, read-only connection to the same file, in a
    thread (SQLite lets other Python code run while it counts: a million rows take 10-20 ms,
    which the window spends building itself). Call the returned function for the count; it
    waits if need be. An in-memory database, or any failure, counts on ``conn`` instead.
    ``on_done`` is called from the counting thread when it ends, with the count (None when it
    failed: the returned function then counts again on ``conn``)."""
    if conn.path == ":memory:":
        return lambda: count_returns(conn, flt)
    where, args = flt.where()
    box: list[Any] = []
    uri = Path(conn.path).resolve().as_uri() + "?mode=ro"  # here: the thread runs as little Python as it can

    def work() -> None:
        try:
            reader = sqlite3.connect(uri, uri=True, timeout=5)
            try:
                box.append(int(reader.execute(f"SELECT count(*) FROM returns{where}", args).fetchone()[0]))
            finally:
                reader.close()
        except sqlite3.Error as exc:
            box.append(exc)
        if on_done is not None:
            on_done(box[0] if isinstance(box[0], int) else None)

    thread = threading.Thread(target=work, name="returns-count", daemon=True)
    thread.start()

    def result() -> int:
        thread.join()
        value = box[0] if box else None
        if isinstance(value, int):
            return value
        try:
            return count_returns(conn, flt)  # counted here again, with this connection's errors
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, conn.path) from None

    return result


def audit_for(conn: Connection, entity_id: str) -> list[dict[str, Any]]:
    return conn.read("SELECT at, actor, action, details FROM audit WHERE entity_id = ? ORDER BY id", (entity_id,))

