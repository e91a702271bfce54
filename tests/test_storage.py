"""The database file: schema and migrations, pragmas, seeding, and clear errors for bad files."""

import json
import sqlite3

import pytest

from returns_desk.storage.database import Connection, StorageError
from returns_desk.storage.migrations import SCHEMA_VERSION, migrations
from returns_desk.services.desk import Desk
from tests.conftest import SEED


def test_new_database_is_created_migrated_and_seeded(db_path):
    desk = Desk.open(db_path)
    desk.close()
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"returns", "audit", "catalogue", "settings", "ticket_sequence", "_sqlite_migrations"} <= tables
    version, source = raw.execute("SELECT version, source FROM catalogue WHERE active = 1").fetchone()
    assert version == json.loads(SEED.read_text(encoding="utf-8"))["version"] and source == "seed"
    assert raw.execute("SELECT action FROM audit").fetchall() == [("catalogue_seeded",)]


def test_schema_version_matches_number_of_migrations():
    from sqlite_utils import Database

    assert len(migrations.pending(Database(memory=True))) == SCHEMA_VERSION


def test_connection_pragmas(desk):
    c = desk.conn.db.conn
    assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert c.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_reopening_does_not_reseed_or_touch_returns(db_path, returns):
    returns.record(_draft())
    returns.desk.close()
    again = Desk.open(db_path)
    try:
        rows = again.conn.read("SELECT count(*) AS n FROM catalogue")
        assert rows[0]["n"] == 1
        assert again.conn.read("SELECT count(*) AS n FROM returns")[0]["n"] == 1
    finally:
        again.close()


def _draft(**kw):
    from returns_desk.domain.returns import ReturnDraft

    base = dict(model_input="A1257", remedy="refund", clerk="Li", amount="149.00", serial="AKFF1Y0E48301745")
    base.update(kw)
    return ReturnDraft(isolation_confirmed=True, **base)


def _seed_copy(tmp_path, version, **changes):
    doc = json.loads(SEED.read_text(encoding="utf-8"))
    doc["version"] = version
    doc.update(changes)
    path = tmp_path / f"seed-{version}.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_new_seed_version_reseeds_without_touching_returns(tmp_path, db_path):
    desk = Desk.open(db_path)
    from returns_desk.services.returns_service import ReturnsService

    ticket = ReturnsService(desk).record(_draft())["ticket"]
    desk.close()
    newer = _seed_copy(tmp_path, "2099.01.01-1")
    desk = Desk.open(db_path, seed=newer)
    try:
        assert desk.catalogue.version == "2099.01.01-1"
        assert ReturnsService(desk).get(ticket)["model"] == "A1257"
        history = desk.conn.read("SELECT version, active FROM catalogue ORDER BY id")
        assert [h["active"] for h in history] == [0, 1]
    finally:
        desk.close()


def test_imported_catalogue_survives_an_older_seed(tmp_path, db_path):
    from returns_desk.services import catalogue_service

    desk = Desk.open(db_path)
    catalogue_service.import_catalogue(desk.conn, _seed_copy(tmp_path, "2098.01.01-1"), actor="manager")
    desk.close()
    desk = Desk.open(db_path)  # shipped seed is older than the import
    try:
        assert desk.catalogue.version == "2098.01.01-1"
    finally:
        desk.close()
    desk = Desk.open(db_path, seed=_seed_copy(tmp_path, "2099.01.01-1"))  # a newer seed wins
    try:
        assert desk.catalogue.version == "2099.01.01-1"
    finally:
        desk.close()


def test_database_from_a_newer_version_refuses_to_open(db_path):
    Desk.open(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StorageError) as err:
        Connection(db_path)
    assert err.value.key == "db_too_new"
    assert "newer Returns Desk" in str(err.value)


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a shopping list, not a database\n" * 10)
    before = path.read_bytes()
    with pytest.raises(StorageError) as err:
        Connection(path)
    assert err.value.key == "db_not_sqlite"
    assert path.read_bytes() == before


def test_truncated_database_is_reported_as_damaged(tmp_path, db_path):
    desk = Desk.open(db_path)
    from returns_desk.services.returns_service import ReturnsService

    for i in range(50):
        ReturnsService(desk).record(_draft(serial=f"AKFF1Y0E4830{i:04d}"))
    desk.conn.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    desk.close()
    data = db_path.read_bytes()
    broken = tmp_path / "broken.db"
    broken.write_bytes(data[: len(data) // 2] + b"\x00" * 10 + data[len(data) // 2 + 4096 :])
    with pytest.raises(StorageError) as err:
        d = Desk.open(broken)
        problem = d.conn.integrity_problem()
        d.close()
        if problem:
            raise StorageError("db_damaged", path=str(broken), detail=problem)
    assert err.value.key in {"db_damaged", "db_unreadable"}


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StorageError) as err:
        Connection(tmp_path / "no" / "such" / "folder" / "x.db")
    assert err.value.key == "db_missing_folder"


def test_audit_and_returns_cannot_be_deleted(desk, returns):
    returns.record(_draft())
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        desk.conn.db.conn.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        desk.conn.db.conn.execute("UPDATE audit SET actor = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        desk.conn.db.conn.execute("DELETE FROM returns")


def test_money_columns_are_integers(desk, returns):
    returns.record(_draft(amount="149.90"))
    assert desk.conn.read("SELECT typeof(amount_minor) AS t, amount_minor FROM returns")[0] == {"t": "integer", "amount_minor": 14990}
    with pytest.raises(sqlite3.IntegrityError):
        desk.conn.db.conn.execute("UPDATE returns SET amount_minor = 1.5")


def test_return_counts_follow_inserts_and_voids(desk, returns):
    """The trigger-kept counts agree with a GROUP BY over the returns themselves."""
    import datetime as dt

    from returns_desk.storage import repository as repo

    day = dt.datetime(2025, 7, 1, 3, tzinfo=dt.timezone.utc)
    tickets = [returns.record(_draft(serial=f"AKFF1Y0E4830{i:04d}", at=day + dt.timedelta(days=i % 3),
                                     remedy="refund" if i % 2 else "voucher", amount="100")) ["ticket"] for i in range(12)]
    returns.void(tickets[0], reason="x", by="M")
    returns.void(tickets[5], reason="x", by="M")
    direct = desk.conn.read(
        "SELECT recall_id, remedy, confirmation, count(*) AS n FROM returns WHERE status = 'active' AND business_date <= '2025-07-02' "
        "GROUP BY recall_id, remedy, confirmation ORDER BY recall_id, remedy, confirmation")
    assert repo.recall_progress(desk.conn, None, "2025-07-02") == direct
    assert sum(r["n"] for r in repo.recall_progress(desk.conn, None, "2025-12-31")) == 10
