"""The returns log: a paged model checked with qtmodeltester, filters, entry view, void."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from returns_desk.domain.auth import Actor
from returns_desk.domain.returns import ReturnDraft
from returns_desk.services.log_service import LogService
from returns_desk.storage.repository import ReturnFilter
from returns_desk.ui import messages

pytestmark = pytest.mark.gui


def record_some(returns, n=450):
    start = dt.datetime(2025, 7, 1, 2, tzinfo=dt.timezone.utc)
    tickets = []
    for i in range(n):
        e = returns.record(ReturnDraft(isolation_confirmed=True, 
            model_input="A1257" if i % 3 else "PAC20-272", remedy="refund" if i % 2 else "replacement",
            amount="149" if i % 2 else None, serial=f"AKFF1Y0E4{i:07d}" if i % 3 else None,
            batch=None if i % 3 else "C14-P6", clerk="Li" if i % 4 else "Wang", receipt=f"R-{i}",
            at=start + dt.timedelta(hours=i)))
        tickets.append(e["ticket"])
    return tickets


MANAGER = Actor("Chen Jing", "manager")
CLERK = Actor("Li Na", "clerk")


@pytest.fixture
def log_page(qtbot, desk):
    from returns_desk.ui.app import make_application
    from returns_desk.ui.returns_log_page import ReturnsLogPage

    make_application()
    page = ReturnsLogPage(desk, "en", lambda: MANAGER)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_model_passes_qtmodeltester(qtmodeltester, desk, returns):
    from returns_desk.ui.returns_table_model import ReturnsTableModel

    record_some(returns, 230)
    model = ReturnsTableModel(LogService(desk))
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 230


def test_rows_are_newest_first_and_paged(desk, returns):
    from returns_desk.ui.returns_table_model import PAGE, ReturnsTableModel

    tickets = record_some(returns, 450)
    model = ReturnsTableModel(LogService(desk))
    assert model.rowCount() == 450 and model.pages_read == 0
    assert model.data(model.index(0, 1)) == tickets[-1]
    assert model.pages_read == 1 and model.cached_rows == PAGE
    assert model.data(model.index(449, 1)) == tickets[0]
    assert model.data(model.index(PAGE, 1)) == tickets[-1 - PAGE]  # keyset seek after page 0
    assert model.data(model.index(PAGE + 7, 1)) == tickets[-1 - PAGE - 7]


def test_filters_and_search(qtbot, log_page, returns):
    record_some(returns, 40)
    assert log_page.model.rowCount() == 0  # created before the rows: refresh shows them
    log_page.refresh()
    assert log_page.model.rowCount() == 40
    log_page.clerk_edit.setText("Wang")
    log_page.apply_filter()
    assert log_page.model.rowCount() == 10
    log_page.clerk_edit.clear()
    log_page.remedy_combo.setCurrentIndex(log_page.remedy_combo.findData("replacement"))
    assert log_page.model.rowCount() == 20
    log_page.remedy_combo.setCurrentIndex(0)
    log_page.model_edit.setText("pac20 272")  # typed as people type; matched to the canonical model
    log_page.apply_filter()
    assert log_page.model.rowCount() == 14
    log_page.model_edit.clear()
    log_page.search_edit.setText("R-33")
    log_page.apply_filter()
    assert [log_page.model.data(log_page.model.index(r, 1)) for r in range(log_page.model.rowCount())]
    assert log_page.model.rowCount() == 1
    log_page.search_edit.clear()
    log_page.from_edit.setText("2025-07-02")
    log_page.apply_filter()
    assert log_page.model.rowCount() == 26  # from hour 14 (16:00 UTC) it is 2 July in Shanghai
    log_page.from_edit.setText("July 2nd")
    log_page.apply_filter()
    assert "YYYY-MM-DD" in log_page.filter_error.text() and log_page.from_edit.text() == "July 2nd"


def test_void_from_the_log_keeps_the_entry(qtbot, log_page, returns, db_path, monkeypatch):
    tickets = record_some(returns, 5)
    log_page.refresh()
    log_page.table.setFocus()
    log_page.table.selectRow(0)
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "wrong model keyed")
    with qtbot.waitSignal(log_page.entry_voided, timeout=5000):
        log_page.void_button.click()
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT status, void_reason, void_by FROM returns WHERE ticket = ?", (tickets[-1],)).fetchone() == (
        "void", "wrong model keyed", "Chen Jing")
    assert con.execute("SELECT count(*) FROM returns").fetchone()[0] == 5
    assert "VOID" in log_page.model.data(log_page.model.index(0, 9))
    assert log_page.model.data(log_page.model.index(0, 0), Qt.ItemDataRole.FontRole).strikeOut()


def test_entry_dialog_shows_fields_and_history(qtbot, desk, returns):
    from returns_desk.ui.entry_dialog import EntryDialog

    e = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", amount="149", serial="AKFF1Y0E48301745", clerk="Li",
                                   customer_contact="13812345678", notes="'; DROP TABLE returns;-- 🔋"))
    returns.void(e["ticket"], reason="test", by="M")
    dialog = EntryDialog(desk, "en", e["ticket"], lambda: CLERK)
    qtbot.addWidget(dialog)
    texts = [dialog.form.itemAt(i).widget().text() for i in range(dialog.form.count()) if dialog.form.itemAt(i).widget()]
    assert "138****5678" in texts and "13812345678" not in texts  # masked
    assert "'; DROP TABLE returns;-- 🔋" in texts
    assert dialog.history.rowCount() == 2
    assert [dialog.history.item(r, 2).text() for r in range(2)] == ["Return recorded: refund, 149.00 CNY.", "Return voided. Reason: test."]
    assert not dialog.void_button.isEnabled()


@pytest.fixture(scope="session")
def million_db(tmp_path_factory):
    from tests.bench.generate import generate

    path = tmp_path_factory.mktemp("big") / "million.db"
    generate(path, 1_000_000).close()
    return path


@pytest.mark.slow
def test_a_million_rows_are_paged_not_loaded(qtbot, million_db):
    from returns_desk.services.desk import Desk
    from returns_desk.ui.app import make_application
    from returns_desk.ui.returns_log_page import ReturnsLogPage
    from returns_desk.ui.returns_table_model import MAX_PAGES, PAGE

    make_application()
    desk = Desk.open(million_db)
    try:
        page = ReturnsLogPage(desk, "en", lambda: CLERK)
        qtbot.addWidget(page)
        page.resize(1300, 700)
        page.show()
        qtbot.waitExposed(page)
        model = page.model
        assert model.rowCount() == 1_000_000
        assert model.pages_read <= 2 and model.cached_rows <= 2 * PAGE  # the first screen only
        page.table.scrollToBottom()
        QApplication.processEvents()
        last = model.data(model.index(999_999, 1))
        first_id_row = desk.conn.read("SELECT ticket FROM returns ORDER BY id LIMIT 1")[0]["ticket"]
        assert last == first_id_row
        for r in range(0, 1_000_000, 9_973):  # jump all over the table
            assert model.data(model.index(r, 1))
        assert model.cached_rows <= MAX_PAGES * PAGE  # bounded, never the whole table
        page.status_combo.setCurrentIndex(page.status_combo.findData("void"))
        assert 5_000 < model.rowCount() < 20_000
        assert LogService(desk).count(ReturnFilter(status="void")) == model.rowCount()
    finally:
        desk.close()


def test_a_clerk_voids_only_with_a_manager_pin(qtbot, desk, returns, db_path, monkeypatch):
    from returns_desk.services.people_service import PeopleService
    from returns_desk.ui.entry_dialog import EntryDialog
    from returns_desk.ui.people_dialogs import ApprovalDialog

    people = PeopleService(desk)
    people.setup(store="S", counter="C1", market="CN", manager="Chen Jing", pin="482913")
    e = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", amount="149", serial="AKFF1Y0E48301745", clerk="Li"))
    dialog = EntryDialog(desk, "en", e["ticket"], lambda: CLERK)
    qtbot.addWidget(dialog)

    def fake_exec(self):
        self.manager_combo.setCurrentText("Chen Jing")
        self.pin_edit.setText("482913")
        self.reason_edit.setText("customer changed mind before leaving")
        self.submit()
        return self.result()

    monkeypatch.setattr(ApprovalDialog, "exec", fake_exec)
    with qtbot.waitSignal(dialog.entry_voided, timeout=5000):
        dialog.void()
    row = sqlite3.connect(db_path).execute("SELECT status, void_by, void_reason FROM returns").fetchone()
    assert row == ("void", "Chen Jing", "customer changed mind before leaving")


def test_manager_records_the_manufacturers_answer_from_the_entry(qtbot, desk, returns, db_path, monkeypatch):
    from returns_desk.ui.entry_dialog import EntryDialog

    e = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", amount="149", serial="AKFF1Y0E48301745", clerk="Li"))
    dialog = EntryDialog(desk, "en", e["ticket"], lambda: MANAGER)
    qtbot.addWidget(dialog)
    assert dialog.confirm_button.isVisibleTo(dialog) and dialog.reject_button.isVisibleTo(dialog)
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Anker case 778")
    with qtbot.waitSignal(dialog.entry_voided, timeout=5000):
        dialog.confirm_button.click()
    assert sqlite3.connect(db_path).execute("SELECT confirmation FROM returns").fetchone() == ("confirmed",)
    assert not dialog.confirm_button.isVisibleTo(dialog)
    assert dialog.history.item(dialog.history.rowCount() - 1, 2).text() == "Manufacturer's answer recorded: confirmed. Note: Anker case 778."
