"""A damaged environment: truncated and garbage files, foreign and newer databases, read-only
files and folders, a full disk, a missing seed. Each gives its clear message (command line: one
line, non-zero, no traceback) and keeps the data: the file is not changed where nothing should
be written."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from pathlib import Path

import pytest

from returns_desk.domain.errors import InputError
from returns_desk.domain.returns import ReturnDraft
from returns_desk.services.desk import Desk
from returns_desk.services.returns_service import ReturnsService
from returns_desk.storage.database import Connection, StorageError
from returns_desk.storage.migrations import SCHEMA_VERSION
from tests.reliability_support import (
    RECORD,
    assert_clean_failure,
    checkpoint,
    cli,
    file_state,
    half_entries,
    read_only,
    serial,
)


def draft(i: int, **kw) -> ReturnDraft:
    base = dict(model_input="A1257", remedy="refund", clerk="Li", amount="149.00", serial=serial(i), notes="n" * 300)
    base.update(kw)
    return ReturnDraft(isolation_confirmed=True, **base)


@pytest.fixture(scope="module")
def filled_db(tmp_path_factory) -> Path:
    """A database with 120 returns, checkpointed so the main file holds everything."""
    path = tmp_path_factory.mktemp("filled") / "filled.db"
    desk = Desk.open(path)
    service = ReturnsService(desk)
    for i in range(120):
        service.record(draft(i))
    desk.close()
    checkpoint(path)
    return path


def copy_of(src: Path, dst: Path, data: bytes | None = None) -> Path:
    dst.write_bytes(src.read_bytes() if data is None else data)
    return dst


# --- truncated and garbage files -----------------------------------------------------------


def test_truncated_database_is_refused_and_left_alone(tmp_path, filled_db):
    data = filled_db.read_bytes()
    page = 4096
    cuts = sorted({50, 100, page, page + 1, len(data) // 2, len(data) // 2 + 17, len(data) - page, len(data) - 1}
                  | {random.Random(8).randrange(101, len(data)) for _ in range(12)})
    for cut in cuts:
        path = copy_of(filled_db, tmp_path / f"cut-{cut}.db", data[:cut])
        for args in (("lookup", "A1257"), RECORD + ("--serial", serial(9999))):
            run = cli(*args, "--db", path)
            assert_clean_failure(run, 1)
            assert any(w in run.err for w in ("damaged", "not a Returns Desk database")), run
            assert path.read_bytes() == data[:cut], f"cut at {cut}: the damaged file was changed"
        with pytest.raises(StorageError) as err:
            Desk.open(path)
        assert err.value.key in ("db_damaged", "db_not_sqlite")


@pytest.mark.parametrize("junk", [
    b"\x00" * 4096,
    b"SQLite format 3\x00" + b"\xff" * 4080,
    b"SQLite format 3\x00" + bytes(random.Random(3).randrange(256) for _ in range(20000)),
    bytes(random.Random(4).randrange(256) for _ in range(9000)),
    "退货记录\n".encode() * 500,
], ids=["zeros", "header-then-ff", "header-then-noise", "noise", "text"])
def test_garbage_file_is_refused_and_left_alone(tmp_path, junk):
    path = copy_of(Path(os.devnull), tmp_path / "junk.db", junk)
    for args in (("lookup", "A1257"), RECORD + ("--serial", serial(1)), ("recalls", "list"), ("backup",)):
        run = cli(*args, "--db", path)
        assert_clean_failure(run, 1)
        assert path.read_bytes() == junk
    assert not (tmp_path / "backups").exists()


def test_damaged_pages_never_give_a_traceback_and_lookups_never_write(tmp_path, filled_db):
    """Random pages and bytes of a real database overwritten: every command gives a verdict, a
    ticket or a clear one-line message, never a traceback; a lookup never changes the file; a
    refusal never changes it either; the start-up check catches damage before a write."""
    data = filled_db.read_bytes()
    rng = random.Random(20250620)
    refused = 0
    for trial in range(60):
        b = bytearray(data)
        if trial % 2:
            start = rng.randrange(1, len(b) // 4096) * 4096
            b[start:start + 4096] = rng.randbytes(4096)
        else:
            for _ in range(rng.randint(1, 40)):
                b[rng.randrange(100, len(b))] = rng.randrange(256)
        path = copy_of(filled_db, tmp_path / f"d{trial}.db", bytes(b))
        before = file_state(path)
        run = cli("lookup", "A1257", "--json", "--db", path)
        assert not run.crashed, run
        assert file_state(path)["db"] == before["db"], "a lookup wrote into a damaged file"
        if run.code == 0:
            assert json.loads(run.out)["verdict"] == "recalled"
        else:
            assert_clean_failure(run, 1)
            refused += 1
        run = cli(*RECORD, "--serial", serial(5000 + trial), "--db", path)
        assert not run.crashed, run
        if run.code != 0:
            assert_clean_failure(run, 1)
            assert path.read_bytes() == before["db"]
    assert refused >= 30  # the start-up check finds most of the damage before anything is done


def test_a_foreign_sqlite_file_is_not_taken_over(tmp_path):
    """Another program's SQLite database passed with --db: refused, no tables added to it."""
    path = tmp_path / "places.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    con.execute("INSERT INTO moz_places (url) VALUES ('https://example.com')")
    con.commit()
    con.close()
    before = path.read_bytes()
    for args in (("lookup", "A1257"), RECORD + ("--serial", serial(1))):
        assert_clean_failure(cli(*args, "--db", path), 1, "not a Returns Desk database")
    assert path.read_bytes() == before
    with pytest.raises(StorageError) as err:
        Connection(path)
    assert err.value.key == "db_not_sqlite"


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_newer_schema_is_refused_and_the_file_is_not_touched(tmp_path, filled_db, journal):
    path = copy_of(filled_db, tmp_path / "newer.db")
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA journal_mode = {journal}")
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    before = path.read_bytes()
    for args in (("lookup", "A1257"), RECORD + ("--serial", serial(9999)), ("backup",)):
        assert_clean_failure(cli(*args, "--db", path), 1, "newer Returns Desk")
        assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    zh = cli("lookup", "A1257", "--lang", "zh_CN", "--db", path)
    assert_clean_failure(zh, 1, "更新版本")


def test_path_that_cannot_exist_is_a_clear_message(tmp_path):
    run = cli("lookup", "A1257", "--db", tmp_path / ("x" * 300))
    assert_clean_failure(run, 1)
    run = cli("lookup", "A1257", "--db", tmp_path / ("x" * 300) / "y.db")
    assert_clean_failure(run, 1)
    run = cli("lookup", "A1257", "--db", tmp_path)  # a folder
    assert_clean_failure(run, 1, "not a Returns Desk database")


# --- damage inside a readable file ----------------------------------------------------------


def test_damaged_catalogue_document_is_reported_not_a_traceback(tmp_path, filled_db):
    path = copy_of(filled_db, tmp_path / "cat.db")
    con = sqlite3.connect(path)
    con.execute("UPDATE catalogue SET document = substr(document, 1, 5000) WHERE active = 1")
    con.commit()
    con.close()
    checkpoint(path)
    run = cli("lookup", "A1257", "--db", path)
    assert_clean_failure(run, 1, "damaged")
    assert_clean_failure(cli("lookup", "A1257", "--lang", "zh_CN", "--db", path), 1, "已损坏")


def test_text_that_is_not_utf8_in_the_file_is_reported_as_damage(tmp_path, filled_db):
    path = copy_of(filled_db, tmp_path / "utf8.db")
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER returns_change_only_by_void_or_confirmation")  # damage does not ask the triggers
    con.execute("UPDATE returns SET notes = CAST(x'41ff42' AS TEXT) WHERE id = 7")
    con.commit()
    con.close()
    desk = Desk.open(path)
    try:
        from returns_desk.storage.repository import ReturnFilter

        with pytest.raises(StorageError) as err:
            ReturnsService(desk).find(ReturnFilter(), limit=500)
        assert err.value.key == "db_damaged"
    finally:
        desk.close()


# --- read-only file and folder --------------------------------------------------------------


@pytest.mark.parametrize("what", ["file", "folder", "both"])
def test_read_only_database_answers_lookups_and_refuses_writes(tmp_path, filled_db, what):
    folder = tmp_path / "shop"
    folder.mkdir()
    path = copy_of(filled_db, folder / "returns.db")
    before = path.read_bytes()
    targets = {"file": [path], "folder": [folder], "both": [path, folder]}[what]
    with read_only(*targets) as ok:
        if not ok:
            pytest.skip("running as root without permission to chattr +i: cannot make a file read-only here")
        run = cli("lookup", "A1257", "--json", "--db", path)
        assert run.code == 0, run
        assert json.loads(run.out)["verdict"] == "recalled"
        assert cli("recalls", "list", "--db", path).code == 0
        run = cli(*RECORD, "--serial", serial(9999), "--db", path)
        assert_clean_failure(run, 1, "read-only")
        assert_clean_failure(cli(*RECORD, "--serial", serial(9999), "--lang", "zh_CN", "--db", path), 1, "只读")
        desk = Desk.open(path)
        try:
            assert desk.conn.readonly
            with pytest.raises(StorageError) as err:
                ReturnsService(desk).record(draft(9999))
            assert err.value.key == "db_readonly"
            assert desk.engine.lookup("A1257").verdict == "recalled"
        finally:
            desk.close()
        assert path.read_bytes() == before
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM returns").fetchone()[0] == 120
    con.close()


def test_read_only_database_that_needs_a_migration_says_so(tmp_path, filled_db):
    path = copy_of(filled_db, tmp_path / "old.db")
    con = sqlite3.connect(path)
    con.execute("DELETE FROM _sqlite_migrations WHERE name = 'm002_isolation_step'")
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    checkpoint(path)
    with read_only(path) as ok:
        if not ok:
            pytest.skip("running as root without permission to chattr +i: cannot make a file read-only here")
        assert_clean_failure(cli("lookup", "A1257", "--db", path), 1, "read-only")


# --- a full disk ------------------------------------------------------------------------------


def test_full_disk_gives_db_full_and_keeps_every_entry_before(tmp_path):
    path = tmp_path / "full.db"
    desk = Desk.open(path)
    service = ReturnsService(desk)
    c = desk.conn.db.conn
    pages = c.execute("PRAGMA page_count").fetchone()[0]
    c.execute(f"PRAGMA max_page_count = {pages + 40}")
    saved = []
    failure = None
    for i in range(5000):
        try:
            saved.append(service.record(draft(i, notes="full disk " * 150)))
        except StorageError as exc:
            failure = exc
            break
    assert failure is not None and failure.key == "db_full"
    assert "nothing was saved" in failure.message("en") and "未保存" in failure.message("zh_CN")
    assert len(saved) > 10
    # the connection keeps working for what fits (a lookup, a smaller refusal)
    assert desk.engine.lookup("A1257").verdict == "recalled"
    with pytest.raises(InputError):
        service.record(draft(1, amount="-1"))
    desk.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = {r[0]: r[1:] for r in con.execute("SELECT ticket, uuid, amount_minor FROM returns")}
    assert len(rows) == len(saved)
    for e in saved:
        assert rows[e["ticket"]] == (e["uuid"], 14900)
    assert half_entries(con) == {"returns_without_audit": 0, "audit_without_return": 0}
    assert con.execute("SELECT max(last) FROM ticket_sequence").fetchone()[0] == len(saved)
    con.close()
    # once there is room again, recording goes on
    desk = Desk.open(path)
    try:
        assert ReturnsService(desk).record(draft(4999))["ticket"].endswith(f"{len(saved) + 1:04d}")
    finally:
        desk.close()


def test_full_disk_through_the_window_keeps_the_form(qtbot, tmp_path):
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    make_application()
    desk = Desk.open(tmp_path / "wfull.db")
    from returns_desk.domain.auth import Actor

    w = MainWindow(desk, "en", ui_settings(), Actor("Li", "clerk"))
    qtbot.addWidget(w)
    try:
        c = desk.conn.db.conn
        c.execute(f"PRAGMA max_page_count = {c.execute('PRAGMA page_count').fetchone()[0] + 5}")
        service = ReturnsService(desk)
        filled = 0
        with pytest.raises(StorageError):
            for i in range(1000, 3000):
                service.record(draft(i, notes="y" * 1900))
                filled += 1
        page = w.counter
        page.model_edit.setText("A1257")
        page.serial_edit.setText(serial(1))
        page.condition_combo.setCurrentIndex(page.condition_combo.findData("intact"))
        page.isolated_check.setChecked(True)
        page.amount_edit.setText("149.00")
        page.notes_edit.setText("x" * 1900)
        page.save()
        assert "disk is full" in page.error_label.text()
        assert page.serial_edit.text() == serial(1) and page.notes_edit.text() == "x" * 1900
    finally:
        w.close()
        desk.close()
    assert sqlite3.connect(tmp_path / "wfull.db").execute("SELECT count(*) FROM returns").fetchone()[0] == filled


# --- the seed ---------------------------------------------------------------------------------


def test_missing_seed_first_run_is_clear_and_an_existing_database_keeps_working(tmp_path, monkeypatch, filled_db):
    monkeypatch.setenv("RETURNS_DESK_SEED", str(tmp_path / "nowhere" / "catalogue.json"))
    run = cli("lookup", "A1257", "--db", tmp_path / "first.db")
    assert_clean_failure(run, 1, "seed", "missing")
    assert_clean_failure(cli("lookup", "A1257", "--lang", "zh_CN", "--db", tmp_path / "first.db"), 1, "缺失")
    existing = copy_of(filled_db, tmp_path / "existing.db")
    assert cli("lookup", "A1257", "--db", existing).code == 0
    run = cli(*RECORD, "--serial", serial(777), "--db", existing)
    assert run.code == 0, run
    monkeypatch.delenv("RETURNS_DESK_SEED")
    assert cli("lookup", "A1257", "--db", tmp_path / "first.db").code == 0  # the seed is back: first run completes
