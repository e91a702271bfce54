"""The window's background sync with head office (real PostgreSQL) and its status-bar state."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from returns_desk.headoffice import credentials, pg
from tests.hq_support import hq_rows, record_mix

pytestmark = pytest.mark.gui


@pytest.fixture
def make_window(qtbot, desk):
    from returns_desk.domain.auth import Actor
    from returns_desk.services.people_service import PeopleService
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    people = PeopleService(desk)
    people.setup(store="Shop 1", counter="C1", market="CN", manager="Chen Jing", pin="482913", store_code="S1")
    people.add_clerk(Actor("Chen Jing", "manager"), "Li Na", "clerk", "1357")
    made = []

    def make():
        make_application()
        w = MainWindow(desk, "en", ui_settings(), people.authenticate("Li Na", "1357"))
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


def settle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.sync_status.state is not None and not window.sync_status.running, timeout=30_000)


def test_not_connected_shows_nothing_and_never_syncs(qtbot, make_window):
    window = make_window()
    settle(qtbot, window)
    assert window.sync_status.state.state == "not_connected"
    assert not window.sync_status.label.isVisible() and not window.sync_status.button.isVisible()


def test_syncs_at_start_after_a_save_and_on_sync_now(qtbot, make_window, desk, db_path, hq_dsn, monkeypatch):
    from returns_desk.ui import sync_status

    monkeypatch.setattr(sync_status, "AFTER_SAVE_MS", 50)
    store = pg.add_store(hq_dsn, "S1")
    credentials.save(db_path, store["dsn"])
    record_mix(desk, 3)
    window = make_window()
    window.sync_status.soon.setInterval(50)
    qtbot.waitUntil(lambda: window.sync_status.label.text().startswith("Head office: synced"), timeout=30_000)
    assert window.sync_status.label.isVisible() and window.sync_status.button.isVisible()
    assert hq_rows(hq_dsn, "SELECT count(*) FROM hq.returns")[0][0] == 3
    # a save: synced a moment later
    tickets = record_mix(desk, 1, tag=5)
    window.counter.return_recorded.emit(tickets[0])
    qtbot.waitUntil(lambda: hq_rows(hq_dsn, "SELECT count(*) FROM hq.returns")[0][0] == 4, timeout=30_000)
    settle(qtbot, window)
    assert window.sync_status.label.text().startswith("Head office: synced")
    # Sync now (a click on the status bar's button)
    record_mix(desk, 2, tag=6)
    qtbot.mouseClick(window.sync_status.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: hq_rows(hq_dsn, "SELECT count(*) FROM hq.returns")[0][0] == 6, timeout=30_000)


def test_offline_shows_since_when_and_what_waits(qtbot, make_window, desk, db_path):
    credentials.save(db_path, "postgresql://nobody:nothing@127.0.0.1:1/none")
    record_mix(desk, 2)
    window = make_window()
    qtbot.waitUntil(lambda: "offline since" in window.sync_status.label.text(), timeout=30_000)
    assert "waiting" in window.sync_status.label.text()
    assert window.sync_status.failures == 1 and window.sync_status.timer.interval() == 3 * 60 * 1000
    window.sync_status.request()
    qtbot.waitUntil(lambda: window.sync_status.failures == 2, timeout=30_000)
    assert window.sync_status.timer.interval() == 6 * 60 * 1000  # waits longer after each failure


def test_a_catalogue_published_by_head_office_reaches_the_lookups(qtbot, make_window, desk, db_path, hq_dsn, tmp_path):
    from tests.test_headoffice import published_catalogue

    store = pg.add_store(hq_dsn, "S1")
    credentials.save(db_path, store["dsn"])
    pg.publish_catalogue(hq_dsn, "2099.03.03-1", published_catalogue(tmp_path, "2099.03.03-1").read_text(encoding="utf-8"))
    window = make_window()
    qtbot.waitUntil(lambda: window.desk.catalogue.version == "2099.03.03-1", timeout=30_000)
    assert "2099.03.03-1" in window.statusBar().currentMessage()
    assert "Catalogue 2099.03.03-1" in window.status_label.text()
    assert window.desk.engine.lookup("A1257", market="CN").catalogue_version == "2099.03.03-1"


def test_reports_page_whole_store_from_head_office(qtbot, desk, db_path, hq_dsn, tmp_path, capsys):
    """A manager's counter with the store manager's read-only log-in (`hq connect --reader`)
    shows the whole store — its other counters too — from head office on the Reports page."""
    from returns_desk.cli import main
    from returns_desk.domain.auth import Actor
    from returns_desk.services import sync_service
    from returns_desk.ui.app import make_application
    from returns_desk.ui.report_page import HQ_SCOPE, ReportPage
    from tests.hq_support import open_counter

    store = pg.add_store(hq_dsn, "S1")
    pg.add_store(hq_dsn, "S2")
    desk.update_settings({"store_code": "S1", "counter": "C1"}, actor="test")
    record_mix(desk, 3)
    sync_service.sync(desk, store["dsn"])
    other = open_counter(tmp_path / "c2.db", "S1", "C2")
    other_tickets = record_mix(other, 2, tag=2)
    sync_service.sync(other, store["dsn"])
    other.close()
    wrong = pg.add_reader(hq_dsn, "S2")
    assert main(["hq", "connect", "--reader", "--dsn", wrong["dsn"], "--db", str(db_path)]) == 1
    assert "does not read store S1" in capsys.readouterr().err
    reader = pg.add_reader(hq_dsn, "S1")
    assert main(["hq", "connect", "--reader", "--dsn", reader["dsn"], "--db", str(db_path)]) == 0
    make_application()
    page = ReportPage(desk, "en", lambda: Actor("Chen Jing", "manager"))
    qtbot.addWidget(page)
    page.date_edit.setText("2025-07-01")
    page.scope_combo.setCurrentIndex(page.scope_combo.findData(HQ_SCOPE))
    page.show_report()
    text = page.view.toPlainText()
    assert page.error.text() == ""
    assert "By counter (head office)" in text and all(t in text for t in other_tickets)
    page.close_day()
    assert "cannot be closed" in page.error.text()
    page.shutdown()
