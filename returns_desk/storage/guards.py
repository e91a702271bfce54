"""The schema this version installs, to check a file's guards against (``returns-desk verify``).

Every trigger that keeps the audit trail append-only and the returns unchangeable, every table
(its columns and CHECK constraints) and every index is compared, by its SQL text in
``sqlite_master``, with the same object made by running this version's migrations on an empty
in-memory database: a missing, altered or added guard is found, whoever dropped it."""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass

from returns_desk.storage.database import Connection

#: Objects whose name holds this protect nothing and may differ between sqlite-utils versions
#: (the table of applied migrations and its index).
_IGNORED = "_sqlite_migrations"


@dataclass(frozen=True)
class GuardProblem:
    kind: str  # trigger, table, index
    name: str
    change: str  # missing, altered, added


def _objects(con: sqlite3.Connection) -> dict[tuple[str, str], str | None]:
    rows = con.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {(t, n): sql for t, n, sql in rows if _IGNORED not in n}


@functools.lru_cache(maxsize=1)
def expected_schema() -> dict[tuple[str, str], str | None]:
    """(type, name) -> SQL of every table, index and trigger this version's migrations make."""
    from sqlite_utils import Database

    from returns_desk.storage.migrations import migrations

    con = sqlite3.connect(":memory:")
    try:
        migrations.apply(Database(con))
        return _objects(con)
    finally:
        con.close()


def guard_problems(conn: Connection) -> list[GuardProblem]:
    """Every object of the file that is not as this version installs it: missing, altered, or a
    trigger added (an added trigger can rewrite what is inserted)."""
    found = _objects(conn.db.conn)
    expected = expected_schema()
    problems = []
    for (kind, name), sql in sorted(expected.items(), key=lambda kv: (kv[0][0] != "trigger", kv[0])):
        if (kind, name) not in found:
            problems.append(GuardProblem(kind, name, "missing"))
        elif found[(kind, name)] != sql:
            problems.append(GuardProblem(kind, name, "altered"))
    for kind, name in sorted(set(found) - set(expected)):
        if kind == "trigger":
            problems.append(GuardProblem(kind, name, "added"))
    return problems
