"""The window's background sync with head office and its place in the status bar.

Recording never waits for the network: sync runs in a daemon thread with its own database
connection — at start, a few seconds after each save, every few minutes, and on "Sync now" —
waiting longer after each failure (3, 6, 12 ... up to 30 minutes). The status bar shows what the
counter's own records say head office has acknowledged: synced / N waiting / offline since HH:MM
/ the last error, and a warning when the counter's clock is off. A sync already running in
another process (``returns-desk sync``) is left to finish. A counter never connected
(``returns-desk hq connect``) shows nothing and never syncs.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QToolButton

from returns_desk.domain.errors import ReturnsDeskError

PERIOD_MS = 3 * 60 * 1000
AFTER_SAVE_MS = 3000
MAX_BACKOFF_MS = 30 * 60 * 1000


class SyncStatus(QObject):
    """Owned by the main window; ``start()`` once shown, ``after_save()`` on each saved return,
    ``shutdown()`` on close."""

    finished = Signal(object, str)  # the state (SyncResult), the error text ('' when none)

    def __init__(self, window: QMainWindow, db_path: str, lang: str) -> None:
        super().__init__(window)
        self.window = window
        self.db_path = db_path
        self.lang = lang
        self.label = QLabel()
        self.label.setObjectName("syncStatus")
        self.button = QToolButton()
        self.button.setText(self.tr("Sync now"))
        self.button.setToolTip(self.tr("Send the returns waiting here to head office now"))
        self.button.clicked.connect(self.sync_now)
        self.button.hide()
        self.label.hide()
        window.statusBar().addPermanentWidget(self.label)
        window.statusBar().addPermanentWidget(self.button)
        self.timer = QTimer(self)
        self.timer.setInterval(PERIOD_MS)
        self.timer.timeout.connect(self.request)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(AFTER_SAVE_MS)
        self.soon.timeout.connect(self.request)
        self.finished.connect(self._on_finished)
        self.running = False
        self.again = False
        self.failures = 0
        self.state: Any = None
        self.closed = False

    @Slot()
    def start(self) -> None:
        self.request()

    @Slot()
    def after_save(self) -> None:
        self.soon.start()

    @Slot()
    def sync_now(self) -> None:
        self.failures = 0
        self.request()

    @Slot()
    def request(self) -> None:
        if self.closed:
            return
        if self.running:
            self.again = True
            return
        self.running = True
        self.button.setEnabled(False)
        threading.Thread(target=self._run, name="head-office sync", daemon=True).start()

    def _run(self) -> None:
        """In the worker thread: its own connection; the result goes back by a queued signal."""
        from returns_desk.services import sync_service
        from returns_desk.services.desk import Desk

        state: Any = None
        error = ""
        try:
            with Desk.open(self.db_path) as desk:
                state = sync_service.status(desk)
                if state.state != "not_connected":
                    try:
                        state = sync_service.sync(desk, lock_wait=0)
                    except ReturnsDeskError as exc:
                        if exc.key != "sync_busy":  # another process is syncing: not a failure
                            error = exc.message(self.lang)
                        state = sync_service.status(desk)
        except ReturnsDeskError as exc:  # the database itself: the window reports that elsewhere
            error = exc.message(self.lang)
        except Exception as exc:  # noqa: BLE001 - never let the worker die silently
            error = " ".join(str(exc).split())[:200] or type(exc).__name__
        self.finished.emit(state, error)

    @Slot(object, str)
    def _on_finished(self, state: Any, error: str) -> None:
        self.running = False
        self.button.setEnabled(True)
        if self.closed:
            return
        self.state = state
        connected = state is not None and state.state != "not_connected"
        self.label.setVisible(connected)
        self.button.setVisible(connected)
        if not connected:
            self.timer.stop()
            return
        self.failures = self.failures + 1 if error else 0
        self.timer.start(min(PERIOD_MS * (2 ** max(0, self.failures - 1)), MAX_BACKOFF_MS) if error else PERIOD_MS)
        self.label.setText(self.text(state, error))
        self.label.setToolTip(error or (state.last_error or ""))
        if getattr(state, "catalogue_taken", None):
            self._reload_catalogue(state.catalogue_taken)
        if self.again:
            self.again = False
            self.soon.start()

    def _reload_catalogue(self, version: str) -> None:
        """Head office published a newer recall list and the sync made it active: look-ups in
        this window use it from the next keystroke."""
        from returns_desk.services import catalogue_service

        desk = getattr(self.window, "desk", None)
        if desk is None:
            return
        try:
            desk.reload_catalogue(catalogue_service.current(desk.conn))
        except ReturnsDeskError:
            return
        refresh = getattr(self.window, "_update_status", None)
        if refresh is not None:
            refresh()
        self.window.statusBar().showMessage(self.tr("Recall catalogue %1 received from head office").replace("%1", version), 15_000)

    def text(self, state: Any, error: str) -> str:
        from returns_desk.services.sync_service import age_text

        if state.state == "offline":
            out = self.tr("Head office: offline since %1 · %2 waiting").replace("%1", age_text(state.offline_since) or "?").replace("%2", str(state.waiting))
        elif error or state.state == "error":
            why = error or state.last_error or ""
            why = why if len(why) <= 48 else why[:47] + "…"  # the whole text is the label's tooltip
            out = self.tr("Head office: sync failed (%1) · %2 waiting").replace("%1", why).replace("%2", str(state.waiting))
        elif state.waiting:
            out = self.tr("Head office: %1 waiting").replace("%1", str(state.waiting))
        else:
            out = self.tr("Head office: synced %1").replace("%1", age_text(state.last_success_at) or "")
        if state.clock_warning:
            out += " · " + self.tr("this computer's clock is %1 min off").replace("%1", str(round((state.clock_skew_seconds or 0) / 60)))
        return out

    def shutdown(self) -> None:
        """Stop the timers; a sync still running is a daemon thread and is safe to abandon
        (head office keeps what it acknowledged, the next sync resends the rest)."""
        self.closed = True
        self.timer.stop()
        self.soon.stop()
