"""The Custody page through the whole window, by keyboard and scanner bursts: F7, open a
container, scan five bag labels into it (a sixth, of a damaged unit, is refused by the
intact-type container), seal, hand over with the manifest read back with pdftotext; a bag label
scanned on the counter opens its return."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from returns_desk.domain.returns import ReturnDraft
from returns_desk.ui import messages

pytestmark = pytest.mark.gui

MANAGER_PIN = "482913"


def type_text(widget, text):
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def ticks(start, step):
    state = {"t": start}

    def tick():
        state["t"] += step
        return state["t"]

    return tick


@pytest.fixture
def people(desk):
    from returns_desk.domain.auth import Actor
    from returns_desk.services.people_service import PeopleService

    p = PeopleService(desk)
    p.setup(store="Shop 1", counter="C1", market="CN", manager="Chen Jing", pin=MANAGER_PIN)
    p.add_clerk(Actor("Chen Jing", "manager"), "Li Na", "clerk", "1357")
    return p


@pytest.fixture
def window(qtbot, desk, people):
    from returns_desk.ui.app import make_application, ui_settings
    from returns_desk.ui.main_window import MainWindow

    make_application()
    w = MainWindow(desk, "en", ui_settings(), people.authenticate("Li Na", "1357"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.wait(10)  # the ticket-scan watch is installed on the first turn of the event loop
    yield w
    w.close()


@pytest.fixture
def approvals(monkeypatch):
    """The manager approves on the spot: the PIN typed into the approval dialog, then Enter."""
    from returns_desk.ui.people_dialogs import ApprovalDialog

    def fake_exec(self):
        self.show()
        self.manager_combo.setCurrentText("Chen Jing")
        type_text(self.pin_edit, MANAGER_PIN)
        self.pin_edit.setFocus()
        self.submit()
        return self.result()

    monkeypatch.setattr(ApprovalDialog, "exec", fake_exec)


def test_open_scan_seal_and_hand_over_by_keyboard(qtbot, window, desk, returns, approvals, monkeypatch, tmp_path):
    from returns_desk.ui.custody_page import HandOverDialog, OpenContainerDialog

    tickets = [returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1647", remedy="refund", clerk="Li Na", amount="100",
                                          serial=f"AKFF1Y0E4830{n:04d}", condition="intact"))["ticket"] for n in range(5)]
    damaged = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1647", remedy="refund", clerk="Li Na", amount="100",
                                         serial="AKFF1Y0E48309999", condition="swollen"))["ticket"]
    qtbot.keyClick(window, Qt.Key.Key_F7)
    page = window.page("custody")
    assert window.tabs.currentWidget() is page and QApplication.focusWidget() is page.ticket_edit

    def fill_open(self):
        self.show()
        qtbot.keyClick(self.type_combo, Qt.Key.Key_Home)  # recall-intact
        self.location_edit.setFocus()
        type_text(self.location_edit, "Back room, bin 1")
        self.limit_spin.setFocus()
        qtbot.keyClick(self.limit_spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(self.limit_spin, "20")
        qtbot.keyClick(self.limit_spin, Qt.Key.Key_Return)  # Enter: the dialog's OK
        return self.result()

    monkeypatch.setattr(OpenContainerDialog, "exec", fill_open)
    qtbot.keyClick(page.open_button, Qt.Key.Key_Space)
    assert page.selected_code() == "S1-Q0001" and page.table.rowCount() == 1
    assert "Back room, bin 1" in page.table.item(0, 6).text()
    assert QApplication.focusWidget() is page.ticket_edit

    # three labels scanned with the cursor in the ticket field, two with the container list focused
    for t in tickets[:3]:
        qtbot.keyClicks(page.ticket_edit, t)
        qtbot.keyClick(page.ticket_edit, Qt.Key.Key_Return)
    for n, t in enumerate(tickets[3:]):
        page.table.setFocus()  # after each scan the cursor is back in the ticket field
        page.scanner.clock = ticks(start=10.0 * (n + 1), step=0.005)
        qtbot.keyClicks(page.table, t)
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.units.rowCount() == 5 and page.table.item(0, 3).text() == "5 / 20"
    from returns_desk.ui.entry_dialog import EntryDialog

    page.units.setCurrentCell(2, 0)
    page.units.setFocus()
    qtbot.keyClick(page.units, Qt.Key.Key_Return)  # Enter on a unit opens its return
    (entry,) = [d for d in window.findChildren(EntryDialog) if d.isVisible()]
    assert entry.ticket == page.units.item(2, 0).text()
    entry.close()
    page.ticket_edit.setFocus()
    assert page.table.item(0, 4).text() == f"{5 * 74.0:,.1f}"
    qtbot.keyClicks(page.ticket_edit, damaged)
    qtbot.keyClick(page.ticket_edit, Qt.Key.Key_Return)
    assert "damaged/defective container" in page.message_label.text() and page.units.rowCount() == 5

    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    qtbot.keyClick(page.seal_button, Qt.Key.Key_Space)
    assert page.table.item(0, 2).text() == "sealed" and not page.add_button.isEnabled()

    def fill_handover(self):
        self.show()
        type_text(self.to_edit, "Anker recall logistics")
        self.reference_edit.setFocus()
        type_text(self.reference_edit, "RMA-2025-77")
        self.packed_combo.setCurrentText("Chen Jing")
        qtbot.keyClick(self.packed_combo, Qt.Key.Key_Return)
        return self.result()

    manifest = tmp_path / "manifest.pdf"
    monkeypatch.setattr(HandOverDialog, "exec", fill_handover)
    monkeypatch.setattr(messages, "ask_save_path", lambda *a, **k: str(manifest))
    qtbot.keyClick(page.handover_button, Qt.Key.Key_Space)
    assert page.table.item(0, 2).text() == "handed over"
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(manifest), "-"], capture_output=True, text=True, check=True).stdout.split())
    for word in ["Hand-over manifest S1-Q0001", "Anker recall logistics", "RMA-2025-77", "Chen Jing", "Ground transport only", *tickets]:
        assert word in text, word
    assert damaged not in text
    events = [r[0] for r in sqlite3.connect(desk.conn.path).execute("SELECT action FROM audit WHERE entity = 'container' ORDER BY id")]
    assert events == ["container_opened"] + ["container_unit_added"] * 5 + ["container_sealed", "container_handed_over"]
    assert sqlite3.connect(desk.conn.path).execute("SELECT opened_by, sealed_by, handed_over_by FROM containers").fetchone() == ("Chen Jing",) * 3


def test_a_bag_label_scanned_on_the_counter_opens_its_return(qtbot, window, returns):
    from returns_desk.ui.entry_dialog import EntryDialog

    ticket = returns.record(ReturnDraft(isolation_confirmed=True, model_input="A1647", remedy="refund", clerk="Li Na", amount="100", serial="AKFF1Y0E48301745"))["ticket"]
    counter = window.counter
    qtbot.keyClick(window, Qt.Key.Key_F2)
    counter.receipt_edit.setFocus()
    window.ticket_scans.clock = ticks(start=10.0, step=0.4)  # the clerk types
    qtbot.keyClicks(counter.receipt_edit, "R-9")
    window.ticket_scans.clock = ticks(start=50.0, step=0.005)  # then scans a bag label
    qtbot.keyClicks(counter.receipt_edit, ticket)
    qtbot.keyClick(counter.receipt_edit, Qt.Key.Key_Return)
    dialogs = [d for d in window.findChildren(EntryDialog) if d.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].ticket == ticket
    assert counter.receipt_edit.text() == "R-9"  # the burst was taken back out of the field
    dialogs[0].close()
    # typed by a person, the same text stays where it was typed
    window.ticket_scans.clock = ticks(start=90.0, step=0.5)
    counter.notes_edit.setFocus()
    qtbot.keyClicks(counter.notes_edit, ticket)
    assert not [d for d in window.findChildren(EntryDialog) if d.isVisible()]
