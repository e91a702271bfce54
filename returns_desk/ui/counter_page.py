"""The counter: look up the unit as it is typed or scanned, take it safely, record the return.

The page only collects what was typed, asks the services and shows the answer; the rules live
in ``domain`` and ``services``.
"""

from __future__ import annotations

import html
from functools import partial

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from collections.abc import Callable

from returns_desk.domain.auth import Actor
from returns_desk.domain.errors import RefusedError, ReturnsDeskError
from returns_desk.domain.lookup import LookupResult
from returns_desk.domain.messages import say
from returns_desk.domain.money import currency_sign, format_amount, format_money
from returns_desk.domain.returns import ReturnDraft, amount_bound, default_amount, fields_used
from returns_desk.domain.vocab import CONDITIONS, CUSTOMER_TOLD, ENQUIRY, HAZARD, HAZARDOUS, INTACT, INCIDENT_ACTIONS, INCIDENT_KINDS, PROOF_TYPES, RECEIPT, REMEDIES, REPLACEMENT, STOP_CONDITIONS
from returns_desk.domain.text import parse_date
from returns_desk.services import lookup_service
from returns_desk.services.desk import Desk
from returns_desk.services.people_service import PeopleService
from returns_desk.services.returns_service import ReturnsService
from returns_desk.ui import messages
from returns_desk.ui.first_frame import CounterHead
from returns_desk.ui.keys import shortcut
from returns_desk.ui.people_dialogs import ApprovalDialog
from returns_desk.ui.scanner import ScanCatcher, strip_affixes

VERDICT_ICONS = {
    "recalled": QStyle.StandardPixmap.SP_MessageBoxCritical,
    "check_required": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "not_affected": QStyle.StandardPixmap.SP_DialogApplyButton,
    "not_recalled": QStyle.StandardPixmap.SP_MessageBoxInformation,
    "unknown": QStyle.StandardPixmap.SP_MessageBoxQuestion,
}


def _set_prop(widget: QWidget, name: str, value: object) -> None:
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class CounterPage(QWidget):
    """Signals: return_recorded(ticket) after a return is committed."""

    return_recorded = Signal(str)
    incident_recorded = Signal(str)

    def __init__(self, desk: Desk, lang: str, actor: Callable[[], Actor], parent: QWidget | None = None, *,
                 head: CounterHead | None = None) -> None:
        """``head``: the model field and verdict banner of the window's first frame, taken over
        with whatever was typed into them before this page was built (see ``resume_typing``)."""
        super().__init__(parent)
        self.desk = desk
        self.lang = lang
        self.actor = actor
        self.service = ReturnsService(desk)
        self.people = PeopleService(desk)
        self.result: LookupResult | None = None
        self._amount_touched = False
        self._model_key: str | None = None  # the model the form was last filled for
        self._fresh_remedy = True
        self._recall_shown = ""
        self.head = head if head is not None else CounterHead(desk.conn.path, desk.conn.readonly)
        typed, cursor, self._enter_pending = self.head.model_edit.text(), self.head.model_edit.cursorPosition(), self.head.enter_pending
        self._build()
        self._wire()
        self.scanner = ScanCatcher(
            self, self.model_edit, self.accept_scan, accepts=self._is_model_scan, excluded=(self.notes_edit, self.contact_edit)
        )
        self.scanner.watch()
        self.head.adopted()
        self.clear_form()
        if typed:  # typed before the page was built: looked up now, as if typed into the page
            self.model_edit.setText(typed)
            self.model_edit.setCursorPosition(cursor)

    def resume_typing(self) -> None:
        """In the window: the keyboard in the model field, and an Enter pressed there before the
        page was built acts now (the first field still needed)."""
        self.model_edit.setFocus()
        if self._enter_pending:
            self._enter_pending = False
            self._on_model_entered()

    # --- construction ---------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        # tight enough that the whole page fits a 1366x768 screen with a title bar and a task bar
        root.setContentsMargins(8, 6, 8, 4)
        root.setSpacing(5)
        # the read-only warning, the model field and the verdict banner: the first frame's head
        head = self.head
        head.set_readonly(self.desk.conn.path, self.desk.conn.readonly)
        self.readonly_banner = head.readonly_banner
        self.model_label, self.model_edit, self.clerk_label = head.model_label, head.model_edit, head.clerk_label
        self.verdict_icon, self.verdict_banner = head.verdict_icon, head.verdict_banner
        root.addWidget(head)
        self.reason_label = QLabel()
        self.reason_label.setObjectName("verdictReason")
        self.reason_label.setWordWrap(True)
        self.reason_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        root.addWidget(self.reason_label)

        self.suggest_label = QLabel(self.tr("Did you mean (↓ then Enter):"))
        self.enquiry_button = QPushButton(self.tr("Customer told — log the enquiry (F8)"))
        self.enquiry_button.setToolTip(self.tr("Not affected: record that the customer asked and was told (F8)"))
        self.suggest_list = QListWidget()
        self.suggest_list.setFlow(QListWidget.Flow.LeftToRight)
        self.suggest_list.setMaximumHeight(44)
        sug_row = QHBoxLayout()
        sug_row.addWidget(self.suggest_label)
        sug_row.addWidget(self.suggest_list, 1)
        root.addLayout(sug_row)
        enquiry_row = QHBoxLayout()
        self.incident_note = QLabel()
        self.incident_note.setObjectName("incidentNote")
        enquiry_row.addWidget(self.incident_note, 1)
        enquiry_row.addWidget(self.enquiry_button)
        root.addLayout(enquiry_row)

        body = QHBoxLayout()
        root.addLayout(body, 1)
        left = QVBoxLayout()
        body.addLayout(left, 3)

        # identifiers the rule needs
        self.ident_box = QGroupBox(self.tr("Identify the unit"))
        ident = QFormLayout(self.ident_box)
        ident.setVerticalSpacing(4)
        self.batch_edit = QLineEdit()
        self.batch_edit.setPlaceholderText(self.tr("as printed on the label, e.g. C14-P6"))
        self.made_edit = QLineEdit()
        self.made_edit.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.serial_edit = QLineEdit()
        self.serial_edit.setPlaceholderText(self.tr("next to “SN” on the unit"))
        self.serial_hint = QLabel()
        self.serial_hint.setObjectName("serialHint")
        self.serial_hint.setWordWrap(True)
        self.serial_fix_button = QPushButton()
        self.serial_fix_button.setToolTip(self.tr("Use the corrected serial (F4)"))
        self.batch_label = QLabel(self.tr("&Batch code"))
        self.made_label = QLabel(self.tr("Manufacture &date"))
        self.serial_label = QLabel(self.tr("&Serial number"))
        for label, edit in ((self.batch_label, self.batch_edit), (self.made_label, self.made_edit), (self.serial_label, self.serial_edit)):
            label.setBuddy(edit)
            ident.addRow(label, edit)
        fix_row = QHBoxLayout()
        fix_row.addWidget(self.serial_hint, 1)
        fix_row.addWidget(self.serial_fix_button)
        ident.addRow("", fix_row)
        left.addWidget(self.ident_box)

        # battery safety, then the return itself
        self.return_box = QGroupBox(self.tr("Take the unit safely, then record the return"))
        form = QFormLayout(self.return_box)
        self.return_form = form
        form.setVerticalSpacing(4)
        form.setContentsMargins(8, 6, 8, 6)
        self.condition_combo = QComboBox()
        self.condition_combo.addItem(self.tr("— look at the unit and choose —"), None)
        for c in CONDITIONS:
            self.condition_combo.addItem(CONDITIONS.label(c, self.lang), c)
        self.condition_label = QLabel(self.tr("C&ondition"))
        self.condition_label.setBuddy(self.condition_combo)
        form.addRow(self.condition_label, self.condition_combo)
        self.safety_card = QLabel()
        self.safety_card.setObjectName("safetyCard")
        self.safety_card.setWordWrap(True)
        self.safety_card.setTextFormat(Qt.TextFormat.RichText)
        form.addRow(self.safety_card)
        self.isolated_check = QCheckBox(self.tr("I have &isolated the unit as shown above"))
        form.addRow(self.isolated_check)
        # a hot unit stops the return: the incident is recorded instead (F9)
        self.incident_row = QWidget()
        incident_layout = QHBoxLayout(self.incident_row)
        incident_layout.setContentsMargins(0, 0, 0, 0)
        self.incident_action_combo = QComboBox()
        for a in INCIDENT_ACTIONS:
            self.incident_action_combo.addItem(INCIDENT_ACTIONS.word(a, self.lang), a)
        self.incident_button = QPushButton(self.tr("Record the hazard incident (F9)"))
        self.incident_button.setObjectName("incidentButton")
        incident_label = QLabel(self.tr("What was done:"))
        incident_label.setBuddy(self.incident_action_combo)
        incident_layout.addWidget(incident_label)
        incident_layout.addWidget(self.incident_action_combo, 1)
        incident_layout.addWidget(self.incident_button)
        form.addRow(self.incident_row)

        self.remedy_combo = QComboBox()
        self.remedy_label = QLabel(self.tr("&Remedy"))
        self.remedy_label.setBuddy(self.remedy_combo)
        form.addRow(self.remedy_label, self.remedy_combo)
        amount_row = QHBoxLayout()
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(self.tr("from the receipt, e.g. 149.00"))
        self.amount_edit.setMaxLength(32)
        self.bound_label = QLabel()
        amount_row.addWidget(self.amount_edit, 1)
        amount_row.addWidget(self.bound_label)
        self.amount_label = QLabel(self.tr("&Amount"))
        self.amount_label.setBuddy(self.amount_edit)
        form.addRow(self.amount_label, amount_row)
        self.replacement_edit = QLineEdit()
        self.replacement_label = QLabel(self.tr("Re&placement model"))
        self.replacement_label.setBuddy(self.replacement_edit)
        form.addRow(self.replacement_label, self.replacement_edit)
        proof_row = QHBoxLayout()
        self.proof_combo = QComboBox()
        for p in PROOF_TYPES:
            self.proof_combo.addItem(PROOF_TYPES.word(p, self.lang), p)
        self.receipt_edit = QLineEdit()
        self.receipt_edit.setPlaceholderText(self.tr("receipt or order number (optional)"))
        self.receipt_edit.setMaxLength(100)
        proof_row.addWidget(self.proof_combo)
        proof_row.addWidget(self.receipt_edit, 1)
        proof_label = QLabel(self.tr("Proo&f of purchase"))
        proof_label.setBuddy(self.proof_combo)
        form.addRow(proof_label, proof_row)
        self.contact_edit = QLineEdit()
        self.contact_edit.setPlaceholderText(self.tr("optional phone or e-mail; shown masked"))
        self.contact_edit.setMaxLength(200)
        contact_label = QLabel(self.tr("Customer con&tact"))
        contact_label.setBuddy(self.contact_edit)
        form.addRow(contact_label, self.contact_edit)
        self.notes_edit = QLineEdit()
        self.notes_edit.setMaxLength(2000)
        self.notes_edit.setPlaceholderText(self.tr("Enter here saves"))
        notes_label = QLabel(self.tr("&Notes"))
        notes_label.setBuddy(self.notes_edit)
        form.addRow(notes_label, self.notes_edit)
        left.addWidget(self.return_box)

        save_row = QHBoxLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save return (Ctrl+S)"))
        self.save_button.setObjectName("saveButton")
        save_row.addWidget(self.error_label, 1)
        save_row.addWidget(self.save_button)
        left.addLayout(save_row)
        left.addStretch(1)

        right = QVBoxLayout()
        body.addLayout(right, 2)
        self.recall_view = QTextBrowser()
        self.recall_view.setOpenExternalLinks(True)
        self.recall_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        right.addWidget(self.recall_view, 1)
        self.ticket_label = QLabel()
        self.ticket_label.setObjectName("ticketLabel")
        self.ticket_label.setWordWrap(True)
        self.ticket_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right.addWidget(self.ticket_label)
        slip_row = QHBoxLayout()
        self.slip_button = QPushButton(self.tr("&Print slip (Ctrl+P)…"))
        self.label_button = QPushButton(self.tr("Bag la&bel…"))
        slip_row.addWidget(self.slip_button)
        slip_row.addWidget(self.label_button)
        slip_row.addStretch(1)
        right.addLayout(slip_row)
        self.last_entry: dict | None = None

        # tab order follows the clerk's path through the form
        chain: list[QWidget] = [self.model_edit, self.suggest_list, self.batch_edit, self.made_edit, self.serial_edit, self.serial_fix_button,
                 self.condition_combo, self.isolated_check, self.remedy_combo, self.amount_edit, self.replacement_edit,
                 self.proof_combo, self.receipt_edit, self.contact_edit, self.notes_edit, self.save_button]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

    def _wire(self) -> None:
        self.model_edit.textChanged.connect(self._on_identifiers_changed)
        self.batch_edit.textChanged.connect(self._on_identifiers_changed)
        self.made_edit.textChanged.connect(self._on_identifiers_changed)
        self.serial_edit.textChanged.connect(self._on_identifiers_changed)
        self.model_edit.returnPressed.connect(self._on_model_entered)
        for edit in (self.batch_edit, self.made_edit, self.serial_edit):
            edit.returnPressed.connect(self._focus_next_needed)  # the next identifier the rule needs, then the condition
        for edit in (self.amount_edit, self.replacement_edit, self.receipt_edit, self.contact_edit):
            edit.returnPressed.connect(self.focusNextChild)
        self.incident_button.clicked.connect(self.record_hazard_incident)
        self.enquiry_button.clicked.connect(self.record_enquiry)
        # shortcuts of their own: these buttons come and go with the verdict, and a mnemonic of a
        # button that was hidden when the window was shown does not reach it
        shortcut(QKeySequence("F9"), self, self.record_hazard_incident)
        shortcut(QKeySequence("F8"), self, self.record_enquiry)
        for n in range(1, 10):  # Alt+1 … Alt+9: take that candidate model
            shortcut(QKeySequence(f"Alt+{n}"), self, partial(self.choose_candidate, n))
        self.notes_edit.returnPressed.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.suggest_list.itemActivated.connect(self._on_suggestion_chosen)
        self.suggest_list.itemClicked.connect(self._on_suggestion_chosen)
        self.serial_fix_button.clicked.connect(self.accept_serial_fix)
        self.condition_combo.currentIndexChanged.connect(self._on_condition_changed)
        self.remedy_combo.currentIndexChanged.connect(self._on_remedy_changed)
        self.amount_edit.textEdited.connect(self._on_amount_edited)
        self.receipt_edit.textEdited.connect(self._on_receipt_edited)
        shortcut(QKeySequence("Ctrl+S"), self, self.save)
        shortcut(QKeySequence("Ctrl+P"), self, self.print_slip)
        self.slip_button.clicked.connect(self.print_slip)
        self.label_button.clicked.connect(self.print_bag_label)
        shortcut(QKeySequence("F4"), self, self.accept_serial_fix)
        shortcut(QKeySequence("Ctrl+N"), self, self.clear_form)
        shortcut(QKeySequence(Qt.Key.Key_Down), self.model_edit, self._focus_suggestions, context=Qt.ShortcutContext.WidgetShortcut)
        # Enter moves on from lists and the check box too, so the whole form runs on Enter
        for w in (self.condition_combo, self.isolated_check, self.remedy_combo, self.proof_combo):
            for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                shortcut(QKeySequence(key), w, self.focusNextChild, context=Qt.ShortcutContext.WidgetShortcut)

    # --- lookup as you type ---------------------------------------------------------------

    def _made(self):
        text = self.made_edit.text().strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError:
            return None

    @Slot()
    def _on_identifiers_changed(self) -> None:
        text = self.model_edit.text()
        serial = self.serial_edit.text().strip() or None
        batch = self.batch_edit.text().strip() or None
        self.result = self.desk.engine.lookup(text, market=self.desk.settings.market, serial=serial, batch=batch, made=self._made())
        model = self.result.model.model if self.result.model else None
        if model is not None and model != self._model_key:
            self._model_key = model
            if self._new_model(self.result):
                return  # identifiers of the earlier model were cleared: that looked up again
        self._show_result(self.result)

    def _new_model(self, r: LookupResult) -> bool:
        """Another model was typed or scanned: what was typed for the earlier one does not carry
        over. Identifiers its recall does not ask for are cleared (not only hidden), and the
        remedy and amount start again from this recall's defaults."""
        self._fresh_remedy = True
        self._amount_touched = False
        used = fields_used(r)
        stale = [edit for key, edit in (("batch_code", self.batch_edit), ("manufacture_date", self.made_edit), ("serial", self.serial_edit))
                 if key not in used and edit.text()]
        self.replacement_edit.clear()
        if not stale:
            return False
        for edit in stale:
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self._on_identifiers_changed()
        return True

    def _show_result(self, r: LookupResult) -> None:
        typed = bool(r.input.strip())
        label = say(f"verdict_{r.verdict}", self.lang)
        who = f"{lookup_service.brand_name(r.model, self.lang)} {r.model.model}" if r.model else ""
        self.verdict_banner.setText(f"{label}   {who}" if typed else self.tr("Type or scan a model number"))
        _set_prop(self.verdict_banner, "verdict", r.verdict if typed else "unknown")
        icon = self.style().standardIcon(VERDICT_ICONS[r.verdict] if typed else QStyle.StandardPixmap.SP_FileDialogInfoView)
        self.verdict_icon.setPixmap(icon.pixmap(48, 48))
        self.reason_label.setText(lookup_service.reason_text(r, self.lang) if typed else "")
        made_text = self.made_edit.text().strip()
        bad_date = bool(made_text) and self._made() is None
        _set_prop(self.made_edit, "invalid", bad_date)
        if bad_date:
            self.reason_label.setText(self.reason_label.text() + "\n" + say("date_invalid", self.lang, value=made_text[:20]))

        self.suggest_list.clear()
        candidates = list(r.candidates)[:9] if r.model is None else []
        if candidates:
            self.suggest_label.setText(self.tr("It could be (Alt+1…9, or ↓ then Enter):"))
            for n, c in enumerate(candidates, 1):
                item = QListWidgetItem(f"{n}  {lookup_service.candidate_label(c, self.lang)}", self.suggest_list)
                item.setData(Qt.ItemDataRole.UserRole, c.model.model)
        else:
            self.suggest_label.setText(self.tr("Did you mean (↓ then Enter):"))
            for s in r.suggestions:
                QListWidgetItem(s, self.suggest_list).setData(Qt.ItemDataRole.UserRole, s)
        show_sug = bool(candidates or r.suggestions) and r.model is None
        self.suggest_label.setVisible(show_sug)
        self.suggest_list.setVisible(show_sug)
        enquiry = typed and r.model is not None and r.verdict in ("not_affected", "not_recalled")
        self.enquiry_button.setVisible(enquiry and not self.desk.conn.readonly)

        used = self._fields_used(r)
        needs = set(r.needs)
        for key, label_w, edit in (("batch_code", self.batch_label, self.batch_edit), ("manufacture_date", self.made_label, self.made_edit), ("serial", self.serial_label, self.serial_edit)):
            visible = key in used or bool(edit.text().strip())
            label_w.setVisible(visible)
            edit.setVisible(visible)
            font = label_w.font()
            font.setBold(key in needs)
            label_w.setFont(font)
        self.ident_box.setVisible(bool(used) or any(e.text() for e in (self.batch_edit, self.made_edit, self.serial_edit)))
        if r.serial_error:
            self.serial_hint.setText(say(r.serial_error, self.lang, **r.serial_error_args))
        else:
            self.serial_hint.setText("")
        self.serial_hint.setVisible(bool(r.serial_error))
        _set_prop(self.serial_edit, "invalid", bool(r.serial_error))
        self.serial_fix_button.setVisible(bool(r.serial_suggestion))
        if r.serial_suggestion:
            self.serial_fix_button.setText(self.tr("Use %1 (F4)").replace("%1", r.serial_suggestion))
        self._check_duplicate()

        html_text = self._recall_html(r)
        if html_text != self._recall_shown:  # laying out rich text per keystroke costs; most keystrokes change nothing here
            self._recall_shown = html_text
            self.recall_view.setHtml(html_text)
        returnable = r.verdict == "recalled" and r.top is not None
        self.return_box.setVisible(returnable)
        self.save_button.setEnabled(returnable and not self.desk.conn.readonly)
        if returnable:
            self._fill_remedies(r)
        self._on_condition_changed()

    @staticmethod
    def _fields_used(r: LookupResult) -> set[str]:
        return fields_used(r)

    def _recall_html(self, r: LookupResult) -> str:
        if not r.matches:
            return ""
        esc = html.escape
        unknown = say("unknown_value", self.lang)
        colon = self.tr("%1: %2")  # a label and its value ("%1：%2" in Chinese)
        comma = self.tr(", ", "list separator")

        def field(label: str, value: str) -> str:
            return colon.replace("%1", f"<b>{esc(label)}</b>").replace("%2", esc(value))

        label = {
            "authority": self.tr("Authority"), "announced": self.tr("Announced"), "units": self.tr("Units"),
            "hazard": self.tr("Cause and hazard"), "remedies": self.tr("Remedies allowed"),
            "claim": self.tr("Manufacturer claim route"), "handling": self.tr("What the notice says to do with the unit"),
            "confirmation": self.tr("Confirmation"), "confidence": self.tr("Confidence"),
        }
        parts = []
        for m in r.matches:
            rec = m.recall
            remedies = comma.join(self._remedy_word(x) for x in rec.remedies)
            units = f"{rec.units:,}" if rec.units is not None else unknown
            confidence = self._confidence_word(rec.confidence) if rec.confidence else unknown
            heading = colon.replace("%1", say("verdict_" + m.verdict, self.lang)).replace("%2", rec.text("title", self.lang))
            parts.append(
                f"<h3>{esc(heading)}</h3>"
                f"<p>{field(label['authority'], rec.text('authority', self.lang))} · "
                f"{field(label['announced'], rec.announced_on)} · {field(label['units'], units)}</p>"
                f"<p>{field(label['hazard'], rec.text('hazard', self.lang))}</p>"
                f"<p>{field(label['remedies'], remedies + ' — ' + rec.text('remedy', self.lang))}</p>"
                f"<p>{field(label['claim'], rec.text('claim', self.lang))}</p>"
                f"<p>{field(label['handling'], rec.text('handling', self.lang))}</p>"
                f"<p><small>{field(label['confirmation'], say('confirmation_' + m.entry.confirmation, self.lang))} · "
                f"{field(label['confidence'], confidence)} · {esc(rec.id)}</small></p><hr>"
            )
        return "".join(parts)

    def _confidence_word(self, confidence: str) -> str:
        return {"high": self.tr("high"), "medium": self.tr("medium"), "low": self.tr("low")}.get(confidence, confidence)

    def _remedy_word(self, remedy: str) -> str:
        return REMEDIES.word(remedy, self.lang)

    def _fill_remedies(self, r: LookupResult) -> None:
        """The remedies this recall allows; a new model starts from its recall's first one."""
        assert r.top is not None
        allowed = list(r.top.recall.remedies)
        current = [self.remedy_combo.itemData(i) for i in range(self.remedy_combo.count())]
        if current != allowed or self._fresh_remedy:
            keep = None if self._fresh_remedy else self.remedy_combo.currentData()
            self._fresh_remedy = False
            self.remedy_combo.blockSignals(True)
            self.remedy_combo.clear()
            for x in allowed:
                self.remedy_combo.addItem(self._remedy_word(x), x)
            self.remedy_combo.setCurrentIndex(allowed.index(keep) if keep in allowed else 0)
            self.remedy_combo.blockSignals(False)
        self._on_remedy_changed()

    @Slot()
    def _on_model_entered(self) -> None:
        s = self.desk.settings
        cleaned = strip_affixes(self.model_edit.text(), s["scanner_prefix"], s["scanner_suffix"])
        if cleaned != self.model_edit.text():
            self.model_edit.setText(cleaned)
        self._focus_next_needed()

    def _focus_next_needed(self) -> None:
        r = self.result
        if r is None or r.model is None:
            if r is not None and r.suggestions:
                self._focus_suggestions()
            return
        order = {"batch_code": self.batch_edit, "manufacture_date": self.made_edit, "serial": self.serial_edit}
        for need in r.needs:
            order[need].setFocus()
            return
        if r.verdict == "recalled":
            self.condition_combo.setFocus()

    @Slot()
    def _focus_suggestions(self) -> None:
        if self.suggest_list.isVisible() and self.suggest_list.count():
            self.suggest_list.setCurrentRow(0)
            self.suggest_list.setFocus()

    @Slot(QListWidgetItem)
    def _on_suggestion_chosen(self, item: QListWidgetItem) -> None:
        self.model_edit.setText(item.data(Qt.ItemDataRole.UserRole) or item.text())
        self.model_edit.setFocus()
        self._focus_next_needed()

    def choose_candidate(self, n: int) -> None:
        """Alt+N: the N-th model a product name or capacity could be (read from the unit's label)."""
        if self.suggest_list.isVisible() and 0 < n <= self.suggest_list.count():
            self._on_suggestion_chosen(self.suggest_list.item(n - 1))

    @Slot()
    def accept_serial_fix(self) -> None:
        if self.result is not None and self.result.serial_suggestion:
            self.serial_edit.setText(self.result.serial_suggestion)
            self.serial_edit.setFocus()

    def _is_model_scan(self, text: str) -> bool:
        s = self.desk.settings
        return self.desk.engine.find_model(strip_affixes(text, s["scanner_prefix"], s["scanner_suffix"])) is not None

    def accept_scan(self, text: str) -> None:
        """A scanner burst caught in another field: it is a model number."""
        s = self.desk.settings
        self.model_edit.setText(strip_affixes(text, s["scanner_prefix"], s["scanner_suffix"]))
        self.model_edit.setFocus()
        self._focus_next_needed()

    def _check_duplicate(self) -> None:
        r = self.result
        if r is None or r.model is None or not r.serial or r.serial_error:
            return
        earlier = self.service.earlier_return(r.model.model, r.serial)
        if earlier:
            self.serial_hint.setText(self.tr("Serial already returned on ticket %1: a manager override is needed.").replace("%1", earlier))
            self.serial_hint.setVisible(True)

    # --- safety step and remedy -----------------------------------------------------------

    def _safety_cards(self) -> dict[str | None, tuple[str, str, bool]]:
        """condition -> (card text, card level for the style sheet, isolation step shown)."""
        damaged = (self.tr(
            "<b>DAMAGED BATTERY</b><br>Wear gloves. Put the unit in the fire-safe container with sand or other "
            "non-combustible material, away from other batteries and metal. Do not charge or test it. Tell the manager."),
            "hazmat", True)
        return {
            None: (self.tr("Look at the unit before anything else: is it hot, smoking, swollen, leaking, burnt or damaged?"), "", False),
            **{c: (self.tr(
                "<b>STOP — HOT OR SMOKING UNIT</b><br>Do not touch or pick it up. Move people away. "
                "Follow the store's fire procedure and call emergency services if it smokes or burns. "
                "The return cannot continue. When the unit has cooled and is safe to handle, choose its condition again."),
                "emergency", False) for c in STOP_CONDITIONS},
            INTACT: (self.tr(
                "<b>RECALLED UNIT — ISOLATE IT</b><br>Do not charge or test it. Tape over the ports. "
                "Bag it on its own and put the bag label on it (RECALLED — DO NOT SELL). "
                "Put it in the recall quarantine bin — never back to stock, never in the customer battery-recycling box."),
                INTACT, True),
            **{c: damaged for c in HAZARDOUS - STOP_CONDITIONS},
        }

    @Slot()
    def _on_condition_changed(self) -> None:
        condition = self.condition_combo.currentData()
        text, level, isolation = self._safety_cards()[condition]
        self.safety_card.setText(text)
        _set_prop(self.safety_card, "level", level)
        self.isolated_check.setVisible(isolation)
        stop = condition in STOP_CONDITIONS
        for w in (self.remedy_combo, self.amount_edit, self.replacement_edit, self.proof_combo, self.receipt_edit, self.contact_edit):
            w.setEnabled(not stop)
        # a hot unit: no return to fill in, only the emergency card and what was done
        for w in (self.remedy_combo, self.amount_edit, self.proof_combo, self.contact_edit):
            self.return_form.setRowVisible(self._row_of(w), not stop)
        if stop:
            self.return_form.setRowVisible(self.replacement_edit, False)
        self.incident_row.setVisible(stop)
        returnable = self.result is not None and self.result.verdict == "recalled"
        self.save_button.setEnabled(returnable and not stop and not self.desk.conn.readonly)

    def _row_of(self, w: QWidget) -> int:
        """The form row holding ``w`` (directly or inside a row's layout)."""
        for row in range(self.return_form.rowCount()):
            item = self.return_form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if item is None:
                continue
            layout = item.layout()
            if item.widget() is w or (layout is not None and layout.indexOf(w) >= 0):
                return row
        return -1

    @Slot()
    def _on_remedy_changed(self) -> None:
        r = self.result
        remedy = self.remedy_combo.currentData()
        if r is None or r.top is None or remedy is None:
            return
        e = r.top.entry
        currency = self.desk.settings.currency
        is_replacement = remedy == REPLACEMENT
        self.return_form.setRowVisible(self.replacement_edit, is_replacement)
        if is_replacement and not self.replacement_edit.text():
            self.replacement_edit.setText(e.replacement_model or "")
        bound = amount_bound(e, remedy)
        self.bound_label.setText(
            self.tr("max %1").replace("%1", format_money(bound, currency, self.lang)) if bound is not None
            else (currency_sign(currency, self.lang) if is_replacement
                  else self.tr("%1 · no published limit").replace("%1", currency_sign(currency, self.lang)))
        )
        if not self._amount_touched:
            prefill = default_amount(r.top.recall, e, remedy)
            self.amount_edit.setText(format_amount(prefill, currency) if prefill is not None else "")

    @Slot(str)
    def _on_amount_edited(self, _text: str) -> None:
        self._amount_touched = True

    @Slot(str)
    def _on_receipt_edited(self, text: str) -> None:
        if text.strip() and self.proof_combo.currentData() == PROOF_TYPES.codes[0]:
            self.proof_combo.setCurrentIndex(PROOF_TYPES.index(RECEIPT))

    # --- saving ---------------------------------------------------------------------------

    def _draft(self, override: str | None = None) -> ReturnDraft:
        return ReturnDraft(
            model_input=self.model_edit.text(),
            remedy=self.remedy_combo.currentData() or "",
            clerk=self.actor().name,
            amount=self.amount_edit.text(),
            serial=self.serial_edit.text() or None,
            batch=self.batch_edit.text() or None,
            made=self._made(),
            condition=self.condition_combo.currentData() or "",
            receipt=self.receipt_edit.text() or None,
            proof_type=self.proof_combo.currentData(),
            replacement_model=self.replacement_edit.text() or None if self.remedy_combo.currentData() == REPLACEMENT else None,
            customer_contact=self.contact_edit.text() or None,
            notes=self.notes_edit.text() or None,
            override_reason=override,
            isolation_confirmed=self.isolated_check.isChecked(),
        )

    def _fail(self, text: str, field: QWidget | None = None) -> None:
        self.error_label.setText("⚠ " + text)
        if field is not None and field.isVisible() and field.isEnabled():
            field.setFocus()

    @Slot()
    def save(self) -> None:
        self.error_label.setText("")
        r = self.result
        if r is None or r.verdict != "recalled":
            self._fail(self.tr("Only a recalled unit can be returned here."), self.model_edit)
            return
        if self.made_edit.text().strip() and self._made() is None:
            self._fail(say("date_invalid", self.lang, value=self.made_edit.text()[:20]), self.made_edit)
            return
        condition = self.condition_combo.currentData()
        if condition is None:
            self._fail(self.tr("Choose the condition of the unit first (battery safety)."), self.condition_combo)
            return
        if self.remedy_combo.currentData() == REPLACEMENT and not self.replacement_edit.text().strip():
            # the recall names no replacement model: ask, rather than save a replacement of nothing
            self._fail(self.tr("Which model does the customer take home? Type the replacement model."), self.replacement_edit)
            return
        actor = self.actor()
        override: str | None = None
        approver: Actor | None = None
        for _attempt in range(2):
            try:
                entry = self.service.record(self._draft(override), actor=actor, approver=approver)
            except RefusedError as exc:
                if exc.key in ("duplicate_serial", "amount_over_bound") and override is None:
                    approval = self._ask_override(exc.message(self.lang))
                    if approval is not None:
                        approver, override = approval
                        continue
                self._fail(exc.message(self.lang), self._field_widget(exc.field))
                return
            except ReturnsDeskError as exc:
                self._fail(exc.message(self.lang), self._field_widget(exc.field))
                return
            break
        else:  # pragma: no cover - the loop always breaks or returns
            return
        self.ticket_label.setText(
            self.tr("Ticket %1\n%2 %3").replace("%1", entry["ticket"]).replace("%2", self._remedy_word(entry["remedy"]))
            .replace("%3", format_money(entry["amount_minor"], entry["currency"], self.lang))
        )
        self.last_entry = entry
        self.return_recorded.emit(entry["ticket"])
        self.clear_form(keep_ticket=True)

    @Slot()
    def print_slip(self) -> None:
        """The customer's return slip for the last saved return: print preview, 80 mm roll."""
        from returns_desk.reports.printing import make_preview_dialog
        from returns_desk.reports.service import slip_html

        if self.last_entry is not None:
            make_preview_dialog(self, slip_html(self.desk, self.last_entry, lang=self.lang), "receipt80", lang=self.lang).exec()

    @Slot()
    def print_bag_label(self) -> None:
        from returns_desk.reports.printing import make_label_preview_dialog
        from returns_desk.reports.service import bag_label

        if self.last_entry is not None:
            make_label_preview_dialog(self, bag_label(self.desk, self.last_entry, lang=self.lang)).exec()

    def _ask_override(self, why: str) -> tuple[Actor, str] | None:
        """A manager signed in gives the reason; otherwise a manager approves with their PIN."""
        actor = self.actor()
        if actor.may("override"):
            reason = messages.ask_text(self, self.tr("Override"), why + "\n\n" + self.tr("Reason for the override:"))
            return (actor, reason) if reason else None
        return ApprovalDialog.ask(self.people, self.lang, "override", why, self)

    def focus_start(self) -> None:
        """Shown with F2: the keyboard is in the model field."""
        self.model_edit.setFocus()

    # --- incidents and enquiries -----------------------------------------------------------

    @Slot()
    def record_hazard_incident(self) -> None:
        """F9 on the hot-unit card: the stopped return is recorded as an incident."""
        if self.incident_row.isVisible():
            self._record_incident(HAZARD, self.incident_action_combo.currentData())

    @Slot()
    def record_enquiry(self) -> None:
        """F8 on a not-affected or not-recalled verdict: the customer was told; log it."""
        if self.enquiry_button.isVisible():
            self._record_incident(ENQUIRY, CUSTOMER_TOLD)

    def _record_incident(self, kind: str, action: str) -> None:
        from returns_desk.services.incident_service import IncidentService

        try:
            incident = IncidentService(self.desk).record(
                kind=kind, action=action, model_input=self.model_edit.text(), condition=self.condition_combo.currentData(),
                notes=self.notes_edit.text() or None, actor=self.actor(),
            )
        except ReturnsDeskError as exc:
            self._fail(exc.message(self.lang), self._field_widget(exc.field))
            return
        self.clear_form(keep_ticket=True)
        self.incident_note.setText(say("incident_recorded", self.lang, what=INCIDENT_KINDS.word(kind, self.lang), time=incident["local_time"]))
        self.incident_recorded.emit(incident["uuid"])

    def set_signed_in(self, actor: Actor) -> None:
        self.clerk_label.setText(self.tr("Signed in: %1").replace("%1", actor.name))

    def _field_widget(self, field: str | None) -> QWidget | None:
        return {
            "model": self.model_edit, "serial": self.serial_edit, "batch_code": self.batch_edit, "batch": self.batch_edit,
            "manufacture_date": self.made_edit, "amount": self.amount_edit, "remedy": self.remedy_combo,
            "condition": self.condition_combo, "notes": self.notes_edit, "isolation": self.isolated_check,
            "receipt": self.receipt_edit, "customer_contact": self.contact_edit, "replacement_model": self.replacement_edit,
        }.get(field or "")

    @Slot()
    def clear_form(self, keep_ticket: bool = False) -> None:
        for edit in (self.batch_edit, self.made_edit, self.serial_edit, self.amount_edit, self.replacement_edit, self.receipt_edit, self.contact_edit, self.notes_edit):
            edit.clear()
        self.condition_combo.setCurrentIndex(0)
        self.proof_combo.setCurrentIndex(0)
        self.incident_action_combo.setCurrentIndex(0)
        self.isolated_check.setChecked(False)
        self._amount_touched = False
        self._model_key = None
        self._fresh_remedy = True
        self.error_label.setText("")
        self.incident_note.setText("")
        if not keep_ticket:
            self.ticket_label.setText("")
            self.last_entry = None
        self.slip_button.setEnabled(self.last_entry is not None)
        self.label_button.setEnabled(self.last_entry is not None)
        self.model_edit.clear()
        self._on_identifiers_changed()
        self.model_edit.setFocus()
