"""One return with every field and its audit history; void from here."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from collections.abc import Callable

from returns_desk.domain.auth import Actor
from returns_desk.domain.vocab import PROOF_TYPES
from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.domain.history import event_sentence
from returns_desk.domain.messages import has, say
from returns_desk.domain.money import format_money
from returns_desk.services.clock import zone
from returns_desk.services.desk import Desk
from returns_desk.services.log_service import LogService
from returns_desk.services.people_service import PeopleService
from returns_desk.services.returns_service import ReturnsService
from returns_desk.ui import messages
from returns_desk.ui.people_dialogs import ApprovalDialog


class EntryDialog(QDialog):
    entry_voided = Signal(str)

    def __init__(self, desk: Desk, lang: str, ticket: str, actor: Callable[[], Actor], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.lang = lang
        self.ticket = ticket
        self.actor = actor
        self.returns = ReturnsService(desk)
        self.setWindowTitle(self.tr("Return %1").replace("%1", ticket))
        self.resize(780, 720)
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.history = QTableWidget(0, 3)
        self.history.setHorizontalHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("What happened")])
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.setWordWrap(True)
        self.history.verticalHeader().hide()
        self.history.setMinimumHeight(150)  # three or four events without scrolling
        self.history.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(QLabel(self.tr("History")))
        layout.addWidget(self.history, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.void_button = QPushButton(self.tr("&Void this return…"))
        buttons.addButton(self.void_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.void_button.clicked.connect(self.void)
        self.confirm_button = QPushButton(self.tr("Manufacturer &confirmed…"))
        self.reject_button = QPushButton(self.tr("Manufacturer &rejected…"))
        for button in (self.confirm_button, self.reject_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.confirm_button.clicked.connect(lambda: self.set_confirmation("confirmed"))
        self.reject_button.clicked.connect(lambda: self.set_confirmation("rejected"))
        self.slip_button = QPushButton(self.tr("Reprint s&lip…"))
        self.label_button = QPushButton(self.tr("Reprint &bag label…"))
        for button in (self.slip_button, self.label_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.slip_button.clicked.connect(lambda: self.reprint("slip"))
        self.label_button.clicked.connect(lambda: self.reprint("bag_label"))
        layout.addWidget(buttons)
        self.load()

    def _local(self, utc_text: str | None) -> str:
        if not utc_text:
            return ""
        moment = dt.datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
        return moment.astimezone(zone(self.desk.settings["time_zone"])).strftime("%Y-%m-%d %H:%M:%S")

    def load(self) -> None:
        entry = self.returns.get(self.ticket)
        while self.form.rowCount():
            self.form.removeRow(0)
        if entry is None:
            self.form.addRow(QLabel(self.tr("No such return.")))
            for button in (self.void_button, self.slip_button, self.label_button):
                button.setEnabled(False)
            return
        labels = [
            ("ticket", self.tr("Ticket")), ("status", self.tr("Status")), ("recorded_at", self.tr("Time")),
            ("business_date", self.tr("Business date")), ("clerk", self.tr("Clerk")), ("model_input", self.tr("Model as typed")),
            ("model", self.tr("Model")), ("brand", self.tr("Brand")), ("recall_id", self.tr("Recall")),
            ("verdict", self.tr("Verdict")), ("confirmation", self.tr("Confirmation")), ("serial", self.tr("Serial")),
            ("batch_code", self.tr("Batch")), ("made_on", self.tr("Made on")), ("condition", self.tr("Condition")),
            ("isolation_confirmed_at", self.tr("Isolation confirmed")), ("remedy", self.tr("Remedy")), ("amount", self.tr("Amount")),
            ("replacement_model", self.tr("Replacement model")), ("proof_type", self.tr("Proof")), ("receipt", self.tr("Receipt / order")),
            ("customer_contact", self.tr("Customer contact")), ("notes", self.tr("Notes")), ("override_reason", self.tr("Override reason")),
            ("override_by", self.tr("Override by")), ("duplicate_of", self.tr("Duplicate of")), ("void_reason", self.tr("Void reason")),
            ("void_by", self.tr("Voided by")), ("void_at", self.tr("Voided at")), ("uuid", self.tr("UUID")),
        ]
        for key, label in labels:
            value = entry.get(key)
            if key in ("recorded_at", "void_at", "isolation_confirmed_at"):
                value = self._local(value)
            if key == "amount":
                value = format_money(entry["amount_minor"], entry["currency"], self.lang)
            if isinstance(value, str) and value:
                value = self._word(key, value)
            if value in (None, ""):
                continue
            text = QLabel(str(value))
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(label, text)
        self.void_button.setEnabled(entry["status"] == "active")
        pending = entry["status"] == "active" and entry["confirmation"] == "pending"
        self.confirm_button.setVisible(pending)
        self.reject_button.setVisible(pending)
        events = LogService(self.desk).history(entry["uuid"])
        self.history.setRowCount(len(events))
        for i, e in enumerate(events):
            what = event_sentence(e["action"], e["details"], currency=entry["currency"], lang=self.lang)
            for j, value in enumerate((self._local(e["at"]), e["actor"], what)):
                self.history.setItem(i, j, QTableWidgetItem(value))
        self.history.resizeColumnToContents(0)
        self.history.resizeColumnToContents(1)
        self.history.resizeRowsToContents()

    def _word(self, key: str, code: str) -> str:
        """Coded values (status, verdict, condition, remedy, ...) in the window's language."""
        if key == "status":
            return {"active": self.tr("active"), "void": self.tr("void")}.get(code, code)
        if key == "proof_type":
            return PROOF_TYPES.word(code, self.lang)
        prefix = {"verdict": "verdict_", "confirmation": "rpt_confirmation_", "condition": "cond_", "remedy": "remedy_"}.get(key)
        if prefix and has(prefix + code):
            return say(prefix + code, self.lang)
        return code

    def reprint(self, document: str) -> None:
        """Print the customer's slip (80 mm roll) or the bag label (A6) again, marked REPRINT
        with when and by whom; printing it (not just previewing) is an audit event."""
        from returns_desk.reports.printing import make_label_preview_dialog, make_preview_dialog
        from returns_desk.reports.service import bag_label, slip_html
        from returns_desk.services.clock import utc_now, utc_text

        entry = self.returns.get(self.ticket)
        if entry is None:
            return
        actor = self.actor()
        marker = {"at": utc_text(utc_now()), "by": actor.name}
        if document == "slip":
            preview = make_preview_dialog(self, slip_html(self.desk, entry, lang=self.lang, reprint=marker), "receipt80", lang=self.lang)
        else:  # the bag label as it first printed (its barcode scans), marked as a reprint
            preview = make_label_preview_dialog(self, bag_label(self.desk, entry, lang=self.lang, reprint=marker))
        if not preview.exec():
            return  # closed without printing
        try:
            self.returns.record_reprint(self.ticket, document, by=actor)
        except ReturnsDeskError as exc:
            messages.error(self, self.tr("Reprint"), exc.message(self.lang))
            return
        self.load()

    @Slot()
    def void(self) -> None:
        question = self.tr("Why is %1 void? (the entry stays, marked void)").replace("%1", self.ticket)
        actor = self.actor()
        if actor.may("void"):
            reason = messages.ask_text(self, self.tr("Void return"), question)
            approver = actor
        else:
            approval = ApprovalDialog.ask(PeopleService(self.desk), self.lang, "void", question, self)
            approver, reason = approval if approval else (actor, None)
        if not reason:
            return
        try:
            self.returns.void(self.ticket, reason=reason, by=approver)
        except ReturnsDeskError as exc:
            messages.error(self, self.tr("Void return"), exc.message(self.lang))
            return
        self.load()
        self.entry_voided.emit(self.ticket)

    def set_confirmation(self, result: str) -> None:
        """The manufacturer's answer to its serial check (a manager records it, with an optional note)."""
        title = self.tr("Manufacturer's answer")
        question = (self.tr("The manufacturer confirmed %1 as recalled. Note (optional, e.g. its case number):") if result == "confirmed"
                    else self.tr("The manufacturer rejected %1. Note (e.g. its reason):")).replace("%1", self.ticket)
        actor = self.actor()
        if actor.may("confirm"):
            approver, note = actor, messages.ask_text(self, title, question)
        else:
            approval = ApprovalDialog.ask(PeopleService(self.desk), self.lang, "confirm", question, self, need_reason=False)
            if approval is None:
                return
            approver, note = approval
        try:
            self.returns.set_confirmation(self.ticket, result, by=approver, note=note)
        except ReturnsDeskError as exc:
            messages.error(self, title, exc.message(self.lang))
            return
        self.load()
        self.entry_voided.emit(self.ticket)  # the log shows the new state
