"""Custody (F7): the quarantine containers, the units in them, the alerts; a manager opens, seals
and hands over a container; anyone puts units in by scanning their bag labels.

A bag label scanned anywhere on this page goes into the selected container; a container label
scanned here selects that container. :class:`returns_desk.ui.ticket_scan.TicketScanWatch` catches
a bag label scanned anywhere else in the window and opens that return.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from returns_desk.domain.auth import Actor
from returns_desk.domain.custody import alert_text
from returns_desk.domain.errors import ReturnsDeskError
from returns_desk.domain.messages import say
from returns_desk.domain.vocab import DAMAGED_CONTAINER, INTACT
from returns_desk.services.custody_service import CustodyService
from returns_desk.services.desk import Desk
from returns_desk.services.people_service import PeopleService
from returns_desk.ui import messages
from returns_desk.ui.people_dialogs import ApprovalDialog, _Form
from returns_desk.ui.scanner import ScanCatcher, strip_affixes
from returns_desk.ui.ticket_scan import TICKET_RE

# A container code as printed on its label: STORE-Q0001.
CONTAINER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*-Q\d{4,}$")


class OpenContainerDialog(_Form):
    """Type, location and (optional) unit limit of a new container."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Open a quarantine container"), self.tr(
            "A damaged, swollen, leaking or burnt unit may only go into a damaged/defective container."), parent)
        self.type_combo = QComboBox()
        self.type_combo.addItem(self.tr("Recall-intact"), INTACT)
        self.type_combo.addItem(self.tr("Damaged/defective (DDR kit)"), DAMAGED_CONTAINER)
        self.location_edit = QLineEdit()
        self.location_edit.setMaxLength(200)
        self.limit_spin = QSpinBox()
        self.limit_spin.setRange(0, 10_000)
        self.limit_spin.setSpecialValueText(self.tr("no limit"))
        self.limit_wh_spin = QSpinBox()
        self.limit_wh_spin.setRange(0, 1_000_000)
        self.limit_wh_spin.setSuffix(" Wh")
        self.limit_wh_spin.setSpecialValueText(self.tr("no limit"))
        type_label = QLabel(self.tr("&Type"))
        type_label.setBuddy(self.type_combo)
        location_label = QLabel(self.tr("&Location"))
        location_label.setBuddy(self.location_edit)
        limit_label = QLabel(self.tr("&Unit limit"))
        limit_label.setBuddy(self.limit_spin)
        self.form.addRow(type_label, self.type_combo)
        self.form.addRow(location_label, self.location_edit)
        self.form.addRow(limit_label, self.limit_spin)
        limit_wh_label = QLabel(self.tr("&Energy limit (estimated)"))
        limit_wh_label.setBuddy(self.limit_wh_spin)
        self.form.addRow(limit_wh_label, self.limit_wh_spin)
        self.type_combo.setFocus()

    def submit(self) -> None:
        if not self.location_edit.text().strip():
            self.error.setText(self.tr("Where is the container kept?"))
            self.location_edit.setFocus()
            return
        self.accept()


class HandOverDialog(_Form):
    """Who takes the sealed container, their reference, and who packed it."""

    def __init__(self, code: str, clerks: list[str], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Hand over %1").replace("%1", code), self.tr(
            "Ground transport only. Pack as the manufacturer's recall instructions or the recycler's kit require."), parent)
        self.to_edit = QLineEdit()
        self.reference_edit = QLineEdit()
        self.packed_combo = QComboBox()
        self.packed_combo.setEditable(True)
        self.packed_combo.addItems(clerks)
        self.packed_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.packed_combo.lineEdit()
        if line is not None:  # Enter in the last field is OK, as in the others
            line.returnPressed.connect(self.submit)
        for label_text, widget in ((self.tr("&Carrier or recycler"), self.to_edit), (self.tr("Their &reference"), self.reference_edit),
                                   (self.tr("&Packed by"), self.packed_combo)):
            label = QLabel(label_text)
            label.setBuddy(widget)
            self.form.addRow(label, widget)
        self.to_edit.setFocus()

    def submit(self) -> None:
        for widget, text in ((self.to_edit, self.to_edit.text()), (self.reference_edit, self.reference_edit.text()),
                             (self.packed_combo, self.packed_combo.currentText())):
            if not text.strip():
                self.error.setText(self.tr("Fill in every field."))
                widget.setFocus()
                return
        self.accept()


class CustodyPage(QWidget):
    """Signals: custody_changed() after any action."""

    custody_changed = Signal()

    COLUMNS = 7

    def __init__(self, desk: Desk, lang: str, actor: Callable[[], Actor], *, open_entry: Callable[[str], object] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.lang = lang
        self.actor = actor
        self.open_entry = open_entry
        self.custody = CustodyService(desk)
        self.people = PeopleService(desk)
        self._codes: list[str] = []
        layout = QVBoxLayout(self)
        self.alerts_label = QLabel()
        self.alerts_label.setObjectName("errorLabel")
        self.alerts_label.setWordWrap(True)
        self.alerts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.alerts_label)

        body = QHBoxLayout()
        layout.addLayout(body, 1)
        left = QVBoxLayout()
        body.addLayout(left, 3)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels([
            self.tr("Container"), self.tr("Type"), self.tr("State"), self.tr("Units"), self.tr("Estimated Wh"), self.tr("Age (days)"),
            self.tr("Location"),
        ])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        containers_label = QLabel(self.tr("Con&tainers"))
        containers_label.setBuddy(self.table)
        left.addWidget(containers_label)
        left.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(self.tr("&Open container…"))
        self.seal_button = QPushButton(self.tr("S&eal"))
        self.handover_button = QPushButton(self.tr("Hand o&ver…"))
        self.label_button = QPushButton(self.tr("Container la&bel…"))
        for b in (self.open_button, self.seal_button, self.handover_button, self.label_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left.addLayout(buttons)

        right = QVBoxLayout()
        body.addLayout(right, 2)
        self.selected_label = QLabel()
        self.selected_label.setObjectName("verdictReason")
        right.addWidget(self.selected_label)
        scan_row = QHBoxLayout()
        self.ticket_edit = QLineEdit()
        self.ticket_edit.setPlaceholderText(self.tr("Scan a bag label or type the ticket, then Enter"))
        ticket_label = QLabel(self.tr("T&icket"))
        ticket_label.setBuddy(self.ticket_edit)
        self.add_button = QPushButton(self.tr("&Add"))
        scan_row.addWidget(ticket_label)
        scan_row.addWidget(self.ticket_edit, 1)
        scan_row.addWidget(self.add_button)
        right.addLayout(scan_row)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        right.addWidget(self.message_label)
        self.units = QTableWidget(0, 4)
        self.units.setHorizontalHeaderLabels([self.tr("Ticket"), self.tr("Model"), self.tr("Serial / batch"), self.tr("Condition")])
        self.units.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.units.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.units.horizontalHeader().setStretchLastSection(True)
        self.units.verticalHeader().setVisible(False)
        right.addWidget(self.units, 1)

        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.units.itemActivated.connect(self._on_unit_activated)
        self.ticket_edit.returnPressed.connect(self.add_typed)
        self.add_button.clicked.connect(self.add_typed)
        self.open_button.clicked.connect(self.open_container)
        self.seal_button.clicked.connect(self.seal_selected)
        self.handover_button.clicked.connect(self.hand_over_selected)
        self.label_button.clicked.connect(self.print_label)
        self.scanner = ScanCatcher(self, self.ticket_edit, self.accept_scan, accepts=self._is_label_scan)
        self.scanner.watch()

    # --- data ----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.refresh()  # read when shown, not at start-up
        self.focus_start()

    def focus_start(self) -> None:
        """Where the work on this page starts: the ticket field, ready for a scan."""
        self.ticket_edit.setFocus()

    def _type_word(self, kind: str) -> str:
        return self.tr("recall-intact") if kind == INTACT else self.tr("damaged/defective")

    def _state_word(self, state: str) -> str:
        return {"open": self.tr("open"), "sealed": self.tr("sealed"), "handed_over": self.tr("handed over")}[state]

    def _wh_text(self, c: dict) -> str:
        limit = f" / {c['limit_wh']:g}" if c.get("limit_wh") else ""
        if c["count"] and c["wh_unknown_units"] == c["count"]:
            return self.tr("unknown") + limit
        text = f"{c['wh']:,.1f}" + limit
        return text + self.tr(" (+%1 unknown)").replace("%1", str(c["wh_unknown_units"])) if c["wh_unknown_units"] else text

    @Slot()
    def refresh(self) -> None:
        keep = self.selected_code()
        rows = self.custody.containers()
        self._codes = [c["code"] for c in rows]
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for i, c in enumerate(rows):
            units = f"{c['count']} / {c['limit_units']}" if c["limit_units"] else str(c["count"])
            cells = [c["code"], self._type_word(c["type"]), self._state_word(c["state"]), units, self._wh_text(c), str(c["age_days"]), c["location"]]
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.blockSignals(False)
        if keep in self._codes:
            self.select(keep)
        elif rows:
            open_rows = [i for i, c in enumerate(rows) if c["state"] == "open"]
            self.table.selectRow(open_rows[-1] if open_rows else len(rows) - 1)
        self._on_selection_changed()
        alerts = self.custody.alerts()
        self.alerts_label.setText("\n".join("⚠ " + alert_text(a, self.lang) for a in alerts[:8])
                                  + (self.tr("\n… and %1 more (custody report)").replace("%1", str(len(alerts) - 8)) if len(alerts) > 8 else ""))
        self.alerts_label.setVisible(bool(alerts))

    def selected_code(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self._codes[rows[0].row()] if rows and rows[0].row() < len(self._codes) else None

    def select(self, code: str) -> None:
        for i, c in enumerate(self._codes):
            if c.lower() == code.lower():
                self.table.selectRow(i)
                return

    @Slot()
    def _on_selection_changed(self) -> None:
        code = self.selected_code()
        if code is None:
            self.selected_label.setText(self.tr("No container selected"))
            self.units.setRowCount(0)
            for b in (self.seal_button, self.handover_button, self.label_button, self.add_button):
                b.setEnabled(False)
            return
        c = self.custody.container(code)
        self.selected_label.setText(self.tr("%1 · %2 · %3 units").replace("%1", code).replace("%2", self._state_word(c["state"]))
                                    .replace("%3", str(c["count"])))
        # a clerk may press these too: a manager then approves on the spot with their PIN
        self.seal_button.setEnabled(c["state"] == "open" and c["count"] > 0)
        self.handover_button.setEnabled(c["state"] == "sealed")
        self.label_button.setEnabled(True)
        self.add_button.setEnabled(c["state"] == "open")
        units = self.custody.units(code)
        self.units.setRowCount(len(units))
        for i, u in enumerate(units):
            ident = " / ".join(x for x in (u.get("serial"), u.get("batch_code")) if x)
            for j, text in enumerate([u["ticket"], u["model"], ident, say(f"cond_{u['condition']}", self.lang)]):
                self.units.setItem(i, j, QTableWidgetItem(text))

    @Slot(QTableWidgetItem)
    def _on_unit_activated(self, item: QTableWidgetItem) -> None:
        """Enter or a double click on a unit opens its return."""
        ticket = self.units.item(item.row(), 0)
        if ticket is not None and self.open_entry is not None:
            self.open_entry(ticket.text())

    # --- scanning ------------------------------------------------------------------------

    def _clean(self, text: str) -> str:
        s = self.desk.settings
        return strip_affixes(text, s["scanner_prefix"], s["scanner_suffix"])

    def _is_label_scan(self, text: str) -> bool:
        cleaned = self._clean(text)
        return bool(TICKET_RE.match(cleaned) or CONTAINER_RE.match(cleaned))

    def accept_scan(self, text: str) -> None:
        """A bag label (or container label) scanned anywhere on the page."""
        self.ticket_edit.setText(self._clean(text))
        self.add_typed()

    @Slot()
    def add_typed(self) -> None:
        text = self._clean(self.ticket_edit.text())
        if not text:
            return
        if CONTAINER_RE.match(text) and text.upper() in (c.upper() for c in self._codes):
            self.select(text)
            self.ticket_edit.clear()
            self.ticket_edit.setFocus()
            return
        code = self.selected_code()
        if code is None:
            self._say(self.tr("Open or select a container first."), error=True)
            return
        try:
            c = self.custody.add(code, text, by=self.actor())
        except ReturnsDeskError as exc:
            self._say(exc.message(self.lang), error=True)
            self.ticket_edit.selectAll()
            self.ticket_edit.setFocus()
            return
        self._say(self.tr("%1 is in %2 (%3 units).").replace("%1", text).replace("%2", c["code"]).replace("%3", str(c["count"])))
        self.ticket_edit.clear()
        self.ticket_edit.setFocus()
        self.refresh()
        self.custody_changed.emit()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_label.setObjectName("errorLabel" if error else "")
        self.message_label.style().unpolish(self.message_label)  # the style sheet again, for the new object name
        self.message_label.style().polish(self.message_label)
        self.message_label.setText(("⚠ " if error else "✔ ") + text)

    # --- manager actions -----------------------------------------------------------------

    def _manager(self, why: str) -> Actor | None:
        actor = self.actor()
        if actor.may("custody"):
            return actor
        approval = ApprovalDialog.ask(self.people, self.lang, "custody", why, self, need_reason=False)
        return approval[0] if approval else None

    @Slot()
    def open_container(self) -> None:
        dialog = OpenContainerDialog(self)
        if not dialog.exec():
            return
        manager = self._manager(self.tr("Opening a quarantine container needs a manager."))
        if manager is None:
            return
        try:
            c = self.custody.open_container(dialog.type_combo.currentData(), dialog.location_edit.text(),
                                            limit_units=dialog.limit_spin.value() or None, limit_wh=dialog.limit_wh_spin.value() or None,
                                            by=manager)
        except ReturnsDeskError as exc:
            messages.error(self, self.tr("Open a quarantine container"), exc.message(self.lang))
            return
        self.refresh()
        self.select(c["code"])
        self._say(self.tr("Container %1 opened. Scan bag labels to put units in.").replace("%1", c["code"]))
        self.ticket_edit.setFocus()
        self.custody_changed.emit()

    @Slot()
    def seal_selected(self) -> None:
        code = self.selected_code()
        if code is None or not messages.confirm(self, self.tr("Seal"), self.tr("Seal %1? It will take no more units.").replace("%1", code)):
            return
        manager = self._manager(self.tr("Sealing %1 needs a manager.").replace("%1", code))
        if manager is None:
            return
        try:
            self.custody.seal(code, by=manager)
        except ReturnsDeskError as exc:
            messages.error(self, self.tr("Seal"), exc.message(self.lang))
            return
        self._say(self.tr("%1 sealed.").replace("%1", code))
        self.refresh()
        self.handover_button.setFocus()  # the next step for a sealed container
        self.custody_changed.emit()

    @Slot()
    def hand_over_selected(self) -> None:
        from returns_desk.reports.service import write_manifest_pdf

        code = self.selected_code()
        if code is None:
            return
        clerks = [c["name"] for c in self.people.list_clerks() if c["active"]]
        dialog = HandOverDialog(code, clerks, self)
        if not dialog.exec():
            return
        path = messages.ask_save_path(self, self.tr("Save the hand-over manifest"), f"manifest-{code}.pdf", self.tr("PDF (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        manager = self._manager(self.tr("Handing over %1 needs a manager.").replace("%1", code))
        if manager is None:
            return
        try:
            self.custody.hand_over(code, to=dialog.to_edit.text(), reference=dialog.reference_edit.text(),
                                   packed_by=dialog.packed_combo.currentText(), by=manager,
                                   write_manifest=lambda m: write_manifest_pdf(m, path, lang=self.lang))
        except (ReturnsDeskError, OSError) as exc:
            messages.error(self, self.tr("Hand over"), exc.message(self.lang) if isinstance(exc, ReturnsDeskError) else str(exc))
            return
        self._say(self.tr("%1 handed over; manifest saved to %2").replace("%1", code).replace("%2", path))
        self.refresh()
        self.focus_start()
        self.custody_changed.emit()

    @Slot()
    def print_label(self) -> None:
        from returns_desk.reports.custody import container_label
        from returns_desk.reports.printing import make_label_preview_dialog

        code = self.selected_code()
        if code is not None:
            c = self.custody.container(code)
            make_label_preview_dialog(self, container_label(c, time_zone=self.desk.settings["time_zone"], lang=self.lang)).exec()
