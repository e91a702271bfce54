"""The manufacturer's reconciliation on the Reports page: export the pending serials of a recall
for the manufacturer, import its answers (preview first; a manager applies the matched ones)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.domain.messages import say
from returns_desk.export.claims import read_answers, write_claims
from returns_desk.services.claims_service import ClaimsService
from returns_desk.services.desk import Desk
from returns_desk.services.people_service import PeopleService
from returns_desk.ui import messages
from returns_desk.ui.people_dialogs import ApprovalDialog


class ClaimsBox(QGroupBox):
    """Signals: answers_applied(count) after a manager applies a file."""

    answers_applied = Signal(int)

    def __init__(self, desk: Desk, lang: str, actor: Callable[[], Actor], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Manufacturer's answers"))
        self.desk = desk
        self.lang = lang
        self.actor = actor
        self.claims = ClaimsService(desk)
        self.people = PeopleService(desk)
        form = QFormLayout(self)
        self.recall_combo = QComboBox()
        for recall in desk.catalogue.recalls:
            if any(m.confirmation == "manufacturer" for m in recall.models):
                self.recall_combo.addItem(f"{recall.id} — {recall.text('title', lang)}", recall.id)
        self.format_combo = QComboBox()
        self.format_combo.addItem(self.tr("Excel workbook (XLSX)"), "xlsx")
        self.format_combo.addItem("CSV (UTF-8)", "csv")
        form.addRow(self.tr("Recall"), self.recall_combo)
        form.addRow(self.tr("Format"), self.format_combo)
        row = QHBoxLayout()
        self.export_button = QPushButton(self.tr("E&xport pending serials…"))
        self.import_button = QPushButton(self.tr("&Import answers…"))
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        form.addRow(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.addRow(self.status)
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.import_answers)

    @Slot()
    def export(self) -> None:
        recall, fmt = self.recall_combo.currentData(), self.format_combo.currentData()
        if not recall:
            return
        path = messages.ask_save_path(self, self.tr("Export pending serials"), f"claims-{recall}.{fmt}",
                                      self.tr("Excel workbook (*.xlsx)") if fmt == "xlsx" else self.tr("CSV (*.csv)"))
        if not path:
            return
        try:
            rows = self.claims.pending(recall, by=self.actor().name)
            out = write_claims(rows, path, fmt)
        except ReturnsDeskError as exc:
            self.status.setText("⚠ " + exc.message(self.lang))
            return
        self.status.setText(say("claims_exported", self.lang, rows=len(rows), recall=recall, path=str(out)))

    @Slot()
    def import_answers(self) -> None:
        path = messages.ask_open_path(self, self.tr("Import the manufacturer's answers"), "", self.tr("Answer files (*.xlsx *.csv)"))
        if not path:
            return
        try:
            answers = read_answers(path)
            preview = self.claims.preview(answers)
        except ReturnsDeskError as exc:
            self.status.setText("⚠ " + exc.message(self.lang))
            return
        c = preview.counts
        text = say("claims_preview", self.lang, path=Path(path).name, rows=preview.rows, matched=c["matched"], answered=c["already_answered"],
                   unknown=c["unknown"], conflicting=c["conflicting"], duplicates=c["duplicate"], invalid=c["invalid"])
        self.status.setText(text)
        if not c["matched"] or not messages.confirm(self, self.tr("Import answers"), text + "\n\n" + self.tr("Apply the matched answers now?")):
            return
        manager = self.actor() if self.actor().may("confirm") else None
        if manager is None:
            approval = ApprovalDialog.ask(self.people, self.lang, "confirm", self.tr("Applying the manufacturer's answers needs a manager."),
                                          self, need_reason=False)
            manager = approval[0] if approval else None
        if manager is None:
            return
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            done = self.claims.apply(answers, by=manager, file_sha256=digest, source=Path(path).name)
        except (ReturnsDeskError, OSError) as exc:
            self.status.setText("⚠ " + (exc.message(self.lang) if isinstance(exc, ReturnsDeskError) else str(exc)))
            return
        self.status.setText(text + "\n" + say("claims_applied", self.lang, applied=len(done.matched)))
        self.answers_applied.emit(len(done.matched))
