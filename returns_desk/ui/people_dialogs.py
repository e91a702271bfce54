"""First run, sign-in and manager approval. Dialogs return values; the services do the work.

The sign-in dialog is the first thing a clerk sees while the rest of the window is built behind
it (ui.app): this module imports Qt's widget classes only, the rest when a dialog needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from returns_desk.domain.auth import Actor
    from returns_desk.services.people_service import PeopleService


def _pin_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(12)
    # digits only, nothing remembered, for an on-screen keyboard: set once the field has been
    # drawn (the input method is told then, focus or not): Qt's enum namespace would cost the
    # sign-in dialog, often the first thing a clerk sees, 25 ms before it could be drawn
    _AfterFirstPaint(edit, lambda: _pin_hints(edit))
    return edit


def _pin_hints(edit: QLineEdit) -> None:
    from PySide6.QtCore import Qt

    edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData)


class _AfterFirstPaint(QObject):
    """Calls ``then`` once, from the event loop, after ``widget`` was first painted."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self.then = then
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self.then)
        return False


class _Form(QDialog):
    def __init__(self, title: str, intro: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))
        layout.addWidget(self.intro)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox()  # (buttons) as an argument costs 25 ms: PySide sets up Qt's enums to pick the overload
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._error_field: QWidget | None = None  # the field the message is about

    def fields(self) -> list[QWidget]:
        """The form's input widgets, in order (Tab walks them, then the buttons)."""
        items = (self.form.itemAt(row, QFormLayout.ItemRole.FieldRole) for row in range(self.form.rowCount()))
        return [w for w in (item.widget() if item is not None else None for item in items) if w is not None]

    def finish_form(self, first: QWidget) -> None:
        """After the rows are added: Tab walks the fields then the buttons, ``first`` has the
        focus when the dialog opens (typing works at once), and a message about a field goes
        as soon as that field is edited."""
        chain = [*self.fields(), *self.buttons.buttons()]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)
        for w in self.fields():
            if isinstance(w, QLineEdit):
                w.textEdited.connect(lambda _text, w=w: self._edited(w))
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(lambda _i, w=w: self._edited(w))
                if w.isEditable():
                    w.editTextChanged.connect(lambda _text, w=w: self._edited(w))
        first.setFocus()

    def show_error(self, text: str, field: QWidget | None) -> None:
        """The message under the form; the field at fault takes the focus, its text selected."""
        self.error.setText(text)
        self._error_field = field
        if field is not None:
            field.setFocus()
            if isinstance(field, QLineEdit):
                field.selectAll()

    def _edited(self, widget: QWidget) -> None:
        if self._error_field is widget:
            self.error.setText("")
            self._error_field = None

    def submit(self) -> None:  # pragma: no cover - overridden
        self.accept()


class FirstRunDialog(_Form):
    """A new database: the store, the counter and the first manager. No default password exists."""

    def __init__(self, people: PeopleService, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Set up Returns Desk"),
            self.tr("This database is new. Enter the store and counter, and create the first manager account. "
                    "The manager's PIN approves voids and overrides and adds clerks."),
            parent,
        )
        from returns_desk.domain.catalogue import MARKETS

        self.people = people
        self.lang = lang
        self.store_edit = QLineEdit()
        self.counter_edit = QLineEdit("C1")
        self.market_combo = QComboBox()
        names = {"CN": self.tr("China (CNY)"), "US": self.tr("United States (USD)"), "CA": self.tr("Canada (CAD)"),
                 "AU": self.tr("Australia (AUD)"), "JP": self.tr("Japan (JPY)")}
        for m in MARKETS:
            self.market_combo.addItem(names[m], m)
        self.language_combo = QComboBox()
        self.language_combo.addItem("简体中文", "zh_CN")
        self.language_combo.addItem("English", "en")
        self.language_combo.setCurrentIndex(0 if lang.startswith("zh") else 1)
        self.manager_edit = QLineEdit()
        self.pin_edit = _pin_edit()
        self.pin2_edit = _pin_edit()
        for label, w in ((self.tr("Store name"), self.store_edit), (self.tr("Counter id"), self.counter_edit),
                         (self.tr("Market"), self.market_combo), (self.tr("Language"), self.language_combo),
                         (self.tr("Manager's name"), self.manager_edit), (self.tr("Manager's PIN (4–12 digits)"), self.pin_edit),
                         (self.tr("PIN again"), self.pin2_edit)):
            self.form.addRow(label, w)
        self.manager_name = ""
        self.finish_form(self.store_edit)

    def submit(self) -> None:
        from returns_desk.domain.errors import ReturnsDeskError

        if self.pin_edit.text() != self.pin2_edit.text():
            self.pin2_edit.clear()  # typed again from the start
            self.show_error(self.tr("The two PINs differ. Type the PIN again."), self.pin2_edit)
            return
        try:
            self.people.setup(store=self.store_edit.text(), counter=self.counter_edit.text(), market=self.market_combo.currentData(),
                              manager=self.manager_edit.text(), pin=self.pin_edit.text(), language=self.language_combo.currentData())
        except ReturnsDeskError as exc:
            fields = {"store": self.store_edit, "counter": self.counter_edit, "market": self.market_combo,
                      "name": self.manager_edit, "pin": self.pin_edit}
            self.show_error(exc.message(self.lang), fields.get(exc.field or ""))
            return
        managers = [c["name"] for c in self.people.list_clerks() if c["role"] == "manager"]
        self.manager_name = managers[0] if managers else self.manager_edit.text().strip()  # as stored
        self.accept()

    @classmethod
    def run(cls, people: PeopleService, lang: str, parent: QWidget | None = None) -> str | None:
        """The name of the manager who set up (sign-in offers it), or None when cancelled."""
        dialog = cls(people, lang, parent)
        return dialog.manager_name if dialog.exec() == QDialog.DialogCode.Accepted else None


class SignInDialog(_Form):
    def __init__(self, people: PeopleService, lang: str, parent: QWidget | None = None, *, who: str = "") -> None:
        super().__init__(self.tr("Sign in"), self.tr("Sign in with your name and PIN."), parent)
        self.people = people
        self.lang = lang
        self.actor: Actor | None = None
        self.name_combo = QComboBox()
        self.name_combo.setEditable(True)
        for c in people.list_clerks():
            if c["active"]:
                self.name_combo.addItem(c["name"])
        self.name_combo.setCurrentText(who)
        self.pin_edit = _pin_edit()
        self.form.addRow(self.tr("Name"), self.name_combo)
        self.form.addRow(self.tr("PIN"), self.pin_edit)
        self.finish_form(self.pin_edit if who else (self.name_combo.lineEdit() or self.name_combo))

    def submit(self) -> None:
        from returns_desk.domain.errors import ReturnsDeskError

        try:
            self.actor = self.people.authenticate(self.name_combo.currentText(), self.pin_edit.text())
        except ReturnsDeskError as exc:
            if exc.key == "signing_key_missing" and self.approve_new_key():
                self.submit()  # the counter signs again: sign in as asked
                return
            self.pin_edit.clear()
            self.show_error(exc.message(self.lang), self.pin_edit)
            return
        self.accept()

    def approve_new_key(self) -> bool:
        """This computer holds none of the database's signing keys (a copy, or the key was lost):
        a manager may approve a new one for this counter, shown by verify as a key change."""
        from returns_desk.domain.errors import ReturnsDeskError
        from returns_desk.services import signing

        answer = ApprovalDialog.ask(
            self.people, self.lang, "signing_key",
            self.tr("This computer does not hold the signing key of this database, so nothing can be recorded in this "
                    "counter's name. If the key was lost (a new computer, a restored disk), a manager approves a new key "
                    "with a reason; the audit trail shows it as a key change."),
            self, audit=False,
        )
        if answer is None:
            return False
        try:
            signing.replace_key(self.people.desk.conn, answer[0], reason=answer[1])
        except ReturnsDeskError as exc:
            self.show_error(exc.message(self.lang), None)
            return False
        return True

    @classmethod
    def ask(cls, people: PeopleService, lang: str, parent: QWidget | None = None, who: str = "") -> Actor | None:
        dialog = cls(people, lang, parent, who=who)
        return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None


class ApprovalDialog(_Form):
    """A manager approves on the spot with their PIN, with a reason; nobody signs out."""

    def __init__(self, people: PeopleService, lang: str, permission: str, text: str, parent: QWidget | None = None,
                 *, need_reason: bool = True, audit: bool = True) -> None:
        super().__init__(self.tr("Manager approval"), text, parent)
        self.people = people
        self.lang = lang
        self.permission = permission
        self.need_reason = need_reason
        self.audit = audit  # False: the caller's own event records the approval (a new signing key)
        self.result_value: tuple[Actor, str] | None = None
        self.manager_combo = QComboBox()
        self.manager_combo.setEditable(True)
        for c in people.list_clerks():
            if c["active"] and c["role"] == "manager":
                self.manager_combo.addItem(c["name"])
        self.pin_edit = _pin_edit()
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(500)
        self.form.addRow(self.tr("Manager"), self.manager_combo)
        self.form.addRow(self.tr("Manager's PIN"), self.pin_edit)
        if need_reason:
            self.form.addRow(self.tr("Reason"), self.reason_edit)
        self.finish_form(self.pin_edit)

    def submit(self) -> None:
        from returns_desk.domain.errors import ReturnsDeskError

        reason = self.reason_edit.text().strip()
        if self.need_reason and not reason:
            self.show_error(self.tr("Give the reason."), self.reason_edit)
            return
        try:
            approver = self.people.approve(self.manager_combo.currentText(), self.pin_edit.text(), self.permission, audit=self.audit)
        except ReturnsDeskError as exc:
            self.pin_edit.clear()
            self.show_error(exc.message(self.lang), self.pin_edit)
            return
        self.result_value = (approver, reason)
        self.accept()

    @classmethod
    def ask(cls, people: PeopleService, lang: str, permission: str, text: str, parent: QWidget | None = None,
            *, need_reason: bool = True, audit: bool = True) -> tuple[Actor, str] | None:
        dialog = cls(people, lang, permission, text, parent, need_reason=need_reason, audit=audit)
        return dialog.result_value if dialog.exec() == QDialog.DialogCode.Accepted else None
