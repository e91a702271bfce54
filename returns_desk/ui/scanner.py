"""Barcode scanners type like a very fast keyboard and end with Enter.

:class:`ScanCatcher` watches key presses in every field of the counter page. When a burst (at least
``min_length`` characters, each within ``gap_ms`` of the previous) ends with Enter while the
focus is in another field, the burst is taken back out of that field (its text is restored) and
handed to the model field — if it reads as a model number (a serial scanned into the serial
field stays there). Fields where a burst must never be taken (notes, PINs) are excluded.
Nothing typed by a person is lost: a burst that does not end in Enter is left where it was typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget


_MODIFIERS = frozenset({Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_CapsLock, Qt.Key.Key_AltGr})


def strip_affixes(text: str, prefix: str, suffix: str) -> str:
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    if suffix and text.endswith(suffix):
        text = text[: -len(suffix)]
    return text.strip()


class ScanCatcher(QObject):
    def __init__(
        self,
        page: QWidget,
        target: QLineEdit,
        on_scan: Callable[[str], None],
        *,
        accepts: Callable[[str], bool] = lambda text: True,
        excluded: tuple[QWidget, ...] = (),
        gap_ms: float = 35.0,
        min_length: int = 4,
    ) -> None:
        super().__init__(page)
        self.page = page
        self.target = target
        self.on_scan = on_scan
        self.accepts = accepts
        self.excluded = excluded
        self.gap_ms = gap_ms
        self.min_length = min_length
        self.clock: Callable[[], float] = time.monotonic
        self._reset()

    def watch(self) -> None:
        """Watch the page's fields: a filter on each of them (the target and the excluded fields
        left out), not on the whole application. An application-wide Python filter would be
        called for every event of every object, and wrapping the first event of one of Qt's
        internal objects costs PySide6 some 50 ms of type set-up at start-up."""
        skip = (self.target, *self.excluded)
        for widget in self.page.findChildren(QWidget):
            if not any(widget is s or s.isAncestorOf(widget) for s in skip):
                widget.installEventFilter(self)

    def _reset(self) -> None:
        self._chars: list[str] = []
        self._last = 0.0
        self._widget: QWidget | None = None
        self._snapshot: object = None

    def _watching(self, widget: QWidget | None) -> bool:
        if widget is None or widget is self.target or not self.page.isVisible():
            return False
        if any(widget is ex or ex.isAncestorOf(widget) for ex in self.excluded):
            return False
        return self.page.isAncestorOf(widget)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.KeyPress:
            return False
        # A key event reaches the focus widget first; an ignored one travels on to its parents,
        # which must not count it twice.
        focus = QApplication.focusWidget() or (obj if isinstance(obj, QWidget) else None)
        if obj is not focus or not self._watching(focus):
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        now = self.clock() * 1000.0
        fast = bool(self._chars) and now - self._last <= self.gap_ms and self._widget is focus
        if key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            burst = "".join(self._chars)
            if fast and len(burst) >= self.min_length and self.accepts(burst):
                self._restore()
                self._reset()
                self.on_scan(burst)
                return True  # the Enter belongs to the scan, not to the field
            self._reset()
            return False
        if key_event.key() in _MODIFIERS:
            return False  # Shift for a capital letter is part of a scan, not a break in it
        text = key_event.text()
        if not text or not text.isprintable():
            self._reset()
            return False
        if not fast:
            self._reset()
            self._widget = focus
            self._snapshot = self._take_snapshot(focus)
        self._chars.append(text)
        self._last = now
        return False

    @staticmethod
    def _take_snapshot(widget: QWidget) -> object:
        if isinstance(widget, QLineEdit):
            return (widget.text(), widget.cursorPosition())
        if isinstance(widget, QComboBox):
            return widget.currentIndex()
        return None

    def _restore(self) -> None:
        w, snap = self._widget, self._snapshot
        if isinstance(w, QLineEdit) and isinstance(snap, tuple):
            w.setText(snap[0])
            w.setCursorPosition(snap[1])
        elif isinstance(w, QComboBox) and isinstance(snap, int):
            w.setCurrentIndex(snap)
