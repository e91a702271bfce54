"""A bag label scanned anywhere in the window (outside the Custody page, where it goes into the
selected container) opens that return. Kept apart from the Custody page so that the window
starts without building or importing the page."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QWidget

from returns_desk.domain.auth import Actor
from returns_desk.services.desk import Desk
from returns_desk.ui.scanner import strip_affixes

# A ticket as printed on a bag label: STORE-COUNTER-YYYYMMDD-NNNN.
TICKET_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*-\d{8}-\d{4,}$")


class TicketScanWatch(QObject):
    """A bag label scanned anywhere in ``window`` outside the custody page opens that return.

    Installed on the application (after the first frame, like the idle watch): a burst of keys
    (each within ``gap_ms`` of the previous) ending with Enter that reads as the ticket of a saved
    return is taken back out of the field it was typed into and ``open_entry(ticket)`` is called."""

    def __init__(self, window: QWidget, page: Callable[[], QWidget | None], desk: Desk, open_entry: Callable[[str], object], *,
                 gap_ms: float = 35.0) -> None:
        super().__init__(window)
        self.window = window
        self.page = page  # the custody page, once built: scans there go into its container
        self.desk = desk
        self.open_entry = open_entry
        self.gap_ms = gap_ms
        self.clock: Callable[[], float] = time.monotonic
        self._chars: list[str] = []
        self._last = 0.0
        self._widget: QWidget | None = None
        self._snapshot: tuple[str, int] | None = None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.KeyPress:
            return False
        focus = QApplication.focusWidget()
        if obj is not focus or focus is None or focus.window() is not self.window or getattr(self.window, "locked", False):
            return False
        page = self.page()
        if page is not None and page.isAncestorOf(focus):
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        now = self.clock() * 1000.0
        fast = bool(self._chars) and 0 <= now - self._last <= self.gap_ms and self._widget is focus
        if key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            s = self.desk.settings
            burst = strip_affixes("".join(self._chars), s["scanner_prefix"], s["scanner_suffix"])
            widget, snapshot = self._widget, self._snapshot
            self._chars = []
            if fast and TICKET_RE.match(burst) and self._exists(burst):
                if isinstance(widget, QLineEdit) and snapshot is not None:
                    widget.setText(snapshot[0])
                    widget.setCursorPosition(snapshot[1])
                self.open_entry(burst)
                return True
            return False
        text = key_event.text()
        if not text or not text.isprintable():
            self._chars = []
            return False
        if not fast:
            self._chars = []
            self._widget = focus
            self._snapshot = (focus.text(), focus.cursorPosition()) if isinstance(focus, QLineEdit) else None
        self._chars.append(text)
        self._last = now
        return False

    def _exists(self, ticket: str) -> bool:
        from returns_desk.services.returns_service import ReturnsService

        return ReturnsService(self.desk).get(ticket) is not None

    def install(self) -> None:
        """Watch the application's key presses from the next turn of the event loop (not on the
        start-up path)."""
        def start() -> None:
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)

        QTimer.singleShot(0, start)


def open_entry_dialog(window: QWidget, desk: Desk, lang: str, actor: Callable[[], Actor], ticket: str) -> QDialog:
    """The return's entry dialog (fields, history, void), window-modal and not blocking."""
    from returns_desk.ui.entry_dialog import EntryDialog

    dialog = EntryDialog(desk, lang, ticket, actor, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
