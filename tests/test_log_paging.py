"""Paging the returns log by seek must give exactly the rows OFFSET gives, dense ids or not."""

import pytest

from returns_desk.storage import log_queries
from returns_desk.storage.repository import ReturnFilter, count_returns


@pytest.fixture
def big_desk(tmp_path):
    from tests.bench.generate import generate

    desk = generate(tmp_path / "paging.db", 1_000)
    yield desk
    desk.close()


def _ids(rows):
    return [r["id"] for r in rows]


def _check_all_offsets(conn, flt, limit=37):
    total = count_returns(conn, flt)
    for offset in [*range(0, total + limit, limit), total - 1, total - limit + 5, total // 2, total // 2 + 1]:
        expected = _ids(log_queries.page_by_offset(conn, flt, offset, limit))
        assert _ids(log_queries.page_by_offset(conn, flt, offset, limit, total=total)) == expected, (flt, offset)
    return total


def test_seek_matches_offset_on_dense_ids(big_desk):
    conn = big_desk.conn
    assert _check_all_offsets(conn, ReturnFilter()) == 1_000


def test_seek_matches_offset_with_a_gap_in_the_ids(big_desk):
    conn = big_desk.conn
    row = conn.read("SELECT * FROM returns WHERE id = 1000")[0]
    row.update(id=1_500, uuid=row["uuid"] + "-x", ticket=row["ticket"] + "-x")
    with conn.write() as db:
        db.execute(f"INSERT INTO returns ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values()))
    assert _check_all_offsets(conn, ReturnFilter()) == 1_001


def test_filtered_pages_count_from_the_nearer_end(big_desk):
    conn = big_desk.conn
    for flt in (ReturnFilter(status="void"), ReturnFilter(remedy="refund"), ReturnFilter(clerk="Clerk 03", remedy="voucher")):
        assert _check_all_offsets(conn, flt, limit=5) > 0


def test_a_stale_total_never_reads_past_the_end(big_desk):
    conn = big_desk.conn
    assert log_queries.page_by_offset(conn, ReturnFilter(), 1_000, 50, total=1_000) == []
    assert log_queries.page_by_offset(conn, ReturnFilter(), 990, 50, total=995)  # rows, not an error


def test_count_in_background_agrees_with_count(big_desk, tmp_path):
    from returns_desk.services.log_service import LogService

    log = LogService(big_desk)
    for flt in (ReturnFilter(), ReturnFilter(status="void"), ReturnFilter(search="R9")):
        assert log.count_soon(flt)() == log.count(flt)


def test_count_in_background_on_a_path_with_odd_characters(tmp_path):
    from returns_desk.services.desk import Desk
    from returns_desk.services.log_service import LogService

    folder = tmp_path / "a ?#% b"
    folder.mkdir()
    desk = Desk.open(folder / "x.db")
    try:
        assert LogService(desk).count_soon(ReturnFilter())() == 0
    finally:
        desk.close()


def test_the_log_model_takes_a_count_started_early(big_desk):
    from returns_desk.services.log_service import LogService
    from returns_desk.ui.returns_table_model import ReturnsTableModel

    log = LogService(big_desk)
    model = ReturnsTableModel(log, first_count=log.count_soon(ReturnFilter()))
    assert model.rowCount() == 1_000
    model.set_filter(ReturnFilter(status="void"))
    assert model.rowCount() == log.count(ReturnFilter(status="void"))


def _with_a_gap(desk):
    """A return stored under id 1,500 (ids 1..1,000 before it): a file edited outside the
    application; the application itself never leaves a gap."""
    conn = desk.conn
    row = conn.read("SELECT * FROM returns WHERE id = 1000")[0]
    row.update(id=1_500, uuid=row["uuid"] + "-x", ticket=row["ticket"] + "-x")
    with conn.write() as db:
        db.execute(f"INSERT INTO returns ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values()))
    return row


def test_the_log_shows_the_count_at_once_and_the_real_count_corrects_it(big_desk, qtbot):
    from returns_desk.services.log_service import LogService
    from returns_desk.ui.returns_table_model import ReturnsTableModel

    log = LogService(big_desk)
    model = ReturnsTableModel(log)
    assert model.rowCount() == 1_000  # dense ids: the count shown at once is the count
    with qtbot.waitSignal(model.counted, timeout=5_000) as counted:
        pass
    assert counted.args == [1_000] and model.rowCount() == 1_000

    extra = _with_a_gap(big_desk)
    model.refresh()
    assert model.rowCount() == 1_500  # max(id) - min(id) + 1, at once
    with qtbot.waitSignals([model.modelReset, model.counted], timeout=5_000, order="strict"):
        pass  # the real count arrives: the rows are read again
    with qtbot.waitSignal(model.counted, timeout=5_000) as counted:
        model.refresh()
    assert counted.args == [1_001] and model.rowCount() == 1_001
    assert model.data(model.index(0, 1)) == extra["ticket"]
    tickets = [r["ticket"] for r in log.page(ReturnFilter(), 0, 1_001)]
    assert [model.data(model.index(r, 1)) for r in (0, 1, 500, 999, 1_000)] == [tickets[r] for r in (0, 1, 500, 999, 1_000)]
    assert model.data(model.index(1_001, 1)) is None


def test_a_jump_before_the_real_count_arrives_reads_the_right_rows(big_desk):
    from returns_desk.services.log_service import LogService
    from returns_desk.ui.returns_table_model import ReturnsTableModel

    _with_a_gap(big_desk)
    log = LogService(big_desk)
    tickets = [r["ticket"] for r in log.page(ReturnFilter(), 0, 1_001)]
    model = ReturnsTableModel(log)
    assert model.rowCount() == 1_500  # not yet checked
    assert model.data(model.index(700, 1)) == tickets[700]  # a jump: read by the real count
    assert model.data(model.index(1_200, 1)) is None  # past the real end: nothing, no error
    assert model.wait_counted() == 1_001 and model.rowCount() == 1_001
    assert model.data(model.index(1_000, 1)) == tickets[1_000]


def test_a_filtered_log_is_counted_before_it_is_shown(big_desk):
    from returns_desk.services.log_service import LogService
    from returns_desk.ui.returns_table_model import ReturnsTableModel

    _with_a_gap(big_desk)
    log = LogService(big_desk)
    model = ReturnsTableModel(log)
    model.set_filter(ReturnFilter(remedy="refund"))
    assert model.rowCount() == log.count(ReturnFilter(remedy="refund"))


def test_a_count_that_fails_in_the_background_is_counted_again_when_needed(big_desk, qtbot, monkeypatch):
    import sqlite3

    from returns_desk.services.log_service import LogService
    from returns_desk.storage import log_queries
    from returns_desk.ui.returns_table_model import ReturnsTableModel

    _with_a_gap(big_desk)

    refused = []

    def refuse(*args, **kwargs):
        refused.append(args)
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(log_queries.sqlite3, "connect", refuse)  # the second connection only: the desk's is open
    model = ReturnsTableModel(LogService(big_desk))
    assert model.rowCount() == 1_500
    qtbot.waitUntil(lambda: bool(refused), timeout=5_000)  # idle: the count starts in its thread and fails
    qtbot.wait(100)  # its news arrives: nothing is raised in the event loop, the count shown stays
    assert model.rowCount() == 1_500
    monkeypatch.undo()
    assert model.wait_counted() == 1_001 and model.rowCount() == 1_001  # counted on the desk's connection
