"""Reading and writing custody: containers, the units in them, reconciliation counts and the
manufacturer's imported answers. Writes run inside ``conn.write()`` opened by the caller."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from returns_desk.storage.database import Connection
from returns_desk.storage.repository import _rows

if TYPE_CHECKING:
    from sqlite_utils import Database

CONTAINER_COLUMNS = (
    "code", "store", "type", "location", "limit_units", "limit_wh", "opened_at", "opened_by", "sealed_at", "sealed_by",
    "handed_over_at", "handed_over_by", "handed_to", "handover_reference", "packed_by", "packed_by_trained_on",
    "handover_count", "manifest_prints",
)

# --- containers -----------------------------------------------------------------------------


def next_container_code(db: Database, store: str) -> str:
    row = db.execute("SELECT count(*) FROM containers WHERE store = ?", (store,)).fetchone()
    n = int(row[0]) + 1
    while db.execute("SELECT 1 FROM containers WHERE code = ?", (f"{store}-Q{n:04d}",)).fetchone():
        n += 1
    return f"{store}-Q{n:04d}"


def insert_container(db: Database, row: dict[str, Any]) -> int:
    cols = [c for c in CONTAINER_COLUMNS if c in row]
    cur = db.execute(f"INSERT INTO containers ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", tuple(row[c] for c in cols))
    return int(cur.lastrowid or 0)


_LIST = (
    "SELECT c.*, (SELECT count(*) FROM container_units u WHERE u.container_id = c.id) AS count FROM containers c"
)


def container_by_code(src: Connection | Database, code: str) -> dict[str, Any] | None:
    rows = _rows(src, _LIST + " WHERE c.code = ? COLLATE NOCASE", (code.strip(),))
    return rows[0] if rows else None


def containers(src: Connection | Database, *, include_handed_over: bool = True) -> list[dict[str, Any]]:
    where = "" if include_handed_over else " WHERE c.handed_over_at IS NULL"
    return _rows(src, _LIST + where + " ORDER BY c.id")


def container_of_return(src: Connection | Database, uuid: str) -> str | None:
    rows = _rows(src, "SELECT c.code FROM container_units u JOIN containers c ON c.id = u.container_id WHERE u.return_uuid = ?", (uuid,))
    return rows[0]["code"] if rows else None


def insert_unit(db: Database, *, container_id: int, return_uuid: str, ticket: str, added_at: str, added_by: str) -> None:
    db.execute(
        "INSERT INTO container_units (return_uuid, ticket, container_id, added_at, added_by) VALUES (?, ?, ?, ?, ?)",
        (return_uuid, ticket, container_id, added_at, added_by),
    )


def insert_units_batch(db: Database, rows: Iterable[tuple[str, str, int, str, str]]) -> None:
    """The batch path (data generators): (return_uuid, ticket, container_id, added_at, added_by)."""
    db.conn.executemany("INSERT INTO container_units (return_uuid, ticket, container_id, added_at, added_by) VALUES (?, ?, ?, ?, ?)", rows)


def seal(db: Database, container_id: int, *, at: str, by: str) -> None:
    db.execute("UPDATE containers SET sealed_at = ?, sealed_by = ? WHERE id = ? AND sealed_at IS NULL", (at, by, container_id))


def hand_over(db: Database, container_id: int, *, at: str, by: str, to: str, reference: str, packed_by: str,
              trained_on: str | None, count: int) -> None:
    db.execute(
        "UPDATE containers SET handed_over_at = ?, handed_over_by = ?, handed_to = ?, handover_reference = ?, packed_by = ?, "
        "packed_by_trained_on = ?, handover_count = ?, manifest_prints = manifest_prints + 1 WHERE id = ? AND handed_over_at IS NULL",
        (at, by, to, reference, packed_by, trained_on, count, container_id),
    )


def count_manifest_print(db: Database, container_id: int) -> int:
    row = db.execute("UPDATE containers SET manifest_prints = manifest_prints + 1 WHERE id = ? RETURNING manifest_prints", (container_id,)).fetchone()
    return int(row[0])


UNIT_COLUMNS = ("ticket", "uuid", "model", "brand", "serial", "batch_code", "condition", "recall_id", "status", "recorded_at")


def units_in(src: Connection | Database, container_id: int) -> list[dict[str, Any]]:
    cols = ", ".join(f"r.{c}" for c in UNIT_COLUMNS)
    return _rows(
        src,
        f"SELECT {cols}, u.added_at, u.added_by FROM container_units u CROSS JOIN returns r ON r.uuid = u.return_uuid "
        "WHERE u.container_id = ? ORDER BY u.added_at, r.ticket",
        (container_id,),
    )


def clerk_training(src: Connection | Database, name: str) -> str | None:
    rows = _rows(src, "SELECT battery_training_on FROM clerks WHERE name = ?", (name,))
    return rows[0]["battery_training_on"] if rows else None


def set_clerk_training(db: Database, name: str, day: str) -> int:
    return db.execute("UPDATE clerks SET battery_training_on = ? WHERE name = ?", (day, name)).rowcount


# --- reconciliation -------------------------------------------------------------------------

# CROSS JOIN fixes the order: from the units in containers (a few thousand) to their returns by
# uuid, never a scan of the returns table (without ANALYZE statistics SQLite may start there).
_UNITS_JOIN = (
    "FROM container_units u CROSS JOIN returns r ON r.uuid = u.return_uuid CROSS JOIN containers c ON c.id = u.container_id"
)


def custody_by_recall(src: Connection | Database) -> list[dict[str, Any]]:
    """Per recall: active returns recorded (from the trigger-kept running counts), of them in a
    container, in a sealed one, handed over (from the units in containers). Neither reads the
    whole returns table."""
    recorded = _rows(src, "SELECT recall_id, sum(n) AS recorded FROM return_counts GROUP BY recall_id HAVING sum(n) > 0")
    held = {
        r["recall_id"]: r
        for r in _rows(
            src,
            "SELECT r.recall_id, count(*) AS in_container, sum(c.sealed_at IS NOT NULL) AS sealed, "
            f"sum(c.handed_over_at IS NOT NULL) AS handed_over {_UNITS_JOIN} WHERE r.status = 'active' GROUP BY r.recall_id",
        )
    }
    out = []
    for r in sorted(recorded, key=lambda r: r["recall_id"]):
        h = held.get(r["recall_id"], {})
        out.append({"recall_id": r["recall_id"], "recorded": int(r["recorded"]), "in_container": int(h.get("in_container") or 0),
                    "sealed": int(h.get("sealed") or 0), "handed_over": int(h.get("handed_over") or 0)})
    return out


def not_contained(src: Connection | Database, *, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """Active returns in no container: how many (from the trigger-kept running counts, less the
    active units in containers: no scan of the returns), and the first ``limit`` of them in
    recording order."""
    active = int(_rows(src, "SELECT coalesce(sum(n), 0) AS n FROM return_counts")[0]["n"])
    contained = int(_rows(src, "SELECT count(*) AS n FROM container_units u CROSS JOIN returns r ON r.uuid = u.return_uuid WHERE r.status = 'active'")[0]["n"])
    rows = _rows(
        src,
        "SELECT r.ticket, r.recall_id, r.condition, r.recorded_at FROM returns r WHERE r.status = 'active' "
        "AND NOT EXISTS (SELECT 1 FROM container_units u WHERE u.return_uuid = r.uuid) ORDER BY r.id LIMIT ?",
        (limit,),
    )
    return active - contained, rows


def units_added_between(src: Connection | Database, start: str, end: str) -> int:
    """Units put into containers between two UTC times (start inclusive, end exclusive)."""
    return int(_rows(src, "SELECT count(*) AS n FROM container_units WHERE added_at >= ? AND added_at < ?", (start, end))[0]["n"])


def handed_over_between(src: Connection | Database, start: str, end: str) -> list[dict[str, Any]]:
    return _rows(
        src,
        "SELECT code, type, handed_to, handover_reference, handover_count FROM containers "
        "WHERE handed_over_at >= ? AND handed_over_at < ? ORDER BY handed_over_at",
        (start, end),
    )


def void_in_containers(src: Connection | Database) -> list[dict[str, Any]]:
    return _rows(src, f"SELECT r.ticket, r.recall_id, c.code AS container {_UNITS_JOIN} WHERE r.status = 'void' ORDER BY r.ticket")


def wrong_type(src: Connection | Database) -> list[dict[str, Any]]:
    return _rows(
        src,
        f"SELECT r.ticket, r.recall_id, r.condition, c.code AS container {_UNITS_JOIN} "
        "WHERE r.condition != 'intact' AND c.type = 'intact' ORDER BY r.ticket",
    )


# --- the manufacturer's answers ---------------------------------------------------------------


CLAIM_COLUMNS = ("ticket", "uuid", "model", "serial", "batch_code", "made_on", "business_date", "recorded_at", "confirmation", "status", "recall_id")


def pending_claims(src: Connection | Database, recall_id: str) -> list[dict[str, Any]]:
    cols = ", ".join(CLAIM_COLUMNS)
    return _rows(src, f"SELECT {cols} FROM returns WHERE recall_id = ? AND status = 'active' AND confirmation = 'pending' ORDER BY id", (recall_id,))


def returns_by_serials(src: Connection | Database, serials: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Active returns with any of these serials, by serial (a serial may be on several models)."""
    out: dict[str, list[dict[str, Any]]] = {}
    keys = sorted(set(serials))
    cols = ", ".join(CLAIM_COLUMNS)
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        for row in _rows(src, f"SELECT {cols} FROM returns WHERE status = 'active' AND serial IN ({marks}) ORDER BY id", chunk):
            out.setdefault(row["serial"], []).append(row)
    return out


def insert_claim_answer(db: Database, row: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO claim_answers (return_uuid, ticket, serial, result, reference, imported_at, imported_by, file_sha256) "
        "VALUES (:return_uuid, :ticket, :serial, :result, :reference, :imported_at, :imported_by, :file_sha256)",
        row,
    )
