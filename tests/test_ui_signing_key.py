"""Issue 16 in the window: a counter whose signing key is not on this computer (a copy, a lost
key) cannot sign in until a manager approves a new key; the approval is typed into the window
like any other manager approval, and verify shows it as a key change."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from returns_desk.domain.auth import Actor
from returns_desk.domain.returns import ReturnDraft
from returns_desk.services.desk import Desk
from returns_desk.services.people_service import PeopleService
from returns_desk.services.returns_service import ReturnsService
from returns_desk.services.verify_service import verify

PIN = "482913"


@pytest.fixture
def copied_elsewhere(desk, db_path, tmp_path, monkeypatch):
    people = PeopleService(desk)
    people.setup(store="S", counter="C1", market="CN", manager="Chen Jing", pin=PIN)
    people.add_clerk(Actor("Chen Jing", "manager"), "Li Na", "clerk", "1357")
    ReturnsService(desk).record(ReturnDraft(isolation_confirmed=True, model_input="A1257", remedy="refund", clerk="x", amount="99", serial="AKFF1Y0E48301745"))
    desk.close()
    other = tmp_path / "other-computer"
    other.mkdir()
    monkeypatch.setenv("RETURNS_DESK_HOME", str(other))  # this computer's key store is empty
    d = Desk.open(db_path)
    yield d
    d.close()


def _when_approval_shows(act) -> None:
    """Run ``act(dialog)`` once the manager-approval dialog is the active modal window."""
    from returns_desk.ui.people_dialogs import ApprovalDialog

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, ApprovalDialog) and modal.isVisible():
            act(modal)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def _sign_in(qtbot, desk):
    from returns_desk.ui.people_dialogs import SignInDialog

    dialog = SignInDialog(PeopleService(desk), "en", who="Li Na")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.pin_edit, "1357")
    return dialog


def test_a_manager_approves_a_new_key_from_the_sign_in_window(qtbot, copied_elsewhere, db_path):
    desk = copied_elsewhere
    dialog = _sign_in(qtbot, desk)

    def approve(approval) -> None:
        assert "does not hold the signing key" in approval.intro.text()
        assert approval.manager_combo.currentText() == "Chen Jing"
        qtbot.keyClicks(approval.pin_edit, PIN)
        qtbot.keyClicks(approval.reason_edit, "new computer after the old one died")
        qtbot.keyClick(approval.reason_edit, Qt.Key.Key_Return)

    _when_approval_shows(approve)
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=5000)
    assert dialog.actor == Actor("Li Na", "clerk")
    keys = sqlite3.connect(db_path).execute("SELECT count(*) FROM signing_keys").fetchone()[0]
    assert keys == 2
    report = verify(desk)
    assert report.ok, report.problems
    changes = [args for key, args in report.notes if key == "verify_key_change"]
    assert len(changes) == 1 and changes[0]["manager"] == "Chen Jing" and changes[0]["reason"] == "new computer after the old one died"


def test_without_the_approval_nothing_is_written(qtbot, copied_elsewhere, db_path):
    desk = copied_elsewhere
    events = sqlite3.connect(db_path).execute("SELECT count(*) FROM audit").fetchone()[0]
    dialog = _sign_in(qtbot, desk)
    _when_approval_shows(lambda approval: qtbot.keyClick(approval, Qt.Key.Key_Escape))
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "does not hold the signing key" in dialog.error.text(), timeout=5000)
    assert dialog.actor is None and dialog.isVisible()
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM audit").fetchone()[0] == events
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM signing_keys").fetchone()[0] == 1
