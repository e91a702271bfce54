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
