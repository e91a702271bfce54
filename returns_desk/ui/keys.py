"""Keyboard shortcuts made one way everywhere (typed, and with their context really applied)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut


def shortcut(keys: QKeySequence | str | Qt.Key, parent: QObject, slot: Callable[[], object],
             context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut) -> QShortcut:
    """A shortcut on ``parent`` that calls ``slot``. (``QShortcut(keys, parent, slot, context=…)``
    quietly drops the context in PySide6, so a widget's own Enter would fire window-wide.)"""
    sc = QShortcut(keys if isinstance(keys, QKeySequence) else QKeySequence(keys), parent)
    sc.setContext(context)
    sc.activated.connect(slot)
    return sc
