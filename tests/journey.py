"""Drive the whole application as a person does, from its entry point.

A journey is a generator that yields what it waits for (:class:`Wait`) and what it does
(a callable: a key press, typing). :func:`run_journey` starts ``returns-desk`` with no command —
the same function the console script runs — so the first-run dialog, the sign-in, the window
and every modal dialog come up exactly as they do for a clerk, each inside the event loop of the
one before it. A timer steps the journey; an action that opens a modal dialog returns only when
the dialog closes, while the journey goes on inside the dialog's own event loop.

Keys go to the widget that has the keyboard focus (``QApplication.focusWidget()``), never to a
widget picked by the test: if the focus is wrong, the journey types into the wrong place and
fails, as a person would.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

#: How long one step may wait before the journey is declared stuck (a hang guard, not a timing test).
STEP_TIMEOUT_S = 30.0


@dataclass
class Wait:
    """Wait until ``until()`` returns something truthy; the journey receives that value."""

    what: str
    until: Callable[[], Any]
    started: float = field(default=0.0)


Step = Wait | Callable[[], object]
Journey = Generator[Step, Any, None]


class JourneyFailed(AssertionError):
    pass


class Driver:
    def __init__(self, journey: Journey) -> None:
        self.journey = journey
        self.pending: Step | None = None
        self.value: Any = None
        self.done = False
        self.error: BaseException | None = None
        self.trace = ""
        self.log: list[str] = []
        self.acting = False  # an action was posted
        self.started = False  # ... and has begun (it may be inside a modal dialog now)
        self.timer = QTimer()
        self.timer.setInterval(15)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()

    def tick(self) -> None:
        if self.done:
            return
        try:
            if self.pending is None:
                value, self.value = self.value, None
                self.pending = self.journey.send(value)
                if isinstance(self.pending, Wait):
                    self.pending.started = time.monotonic()
                    self.log.append("wait: " + self.pending.what)
            step = self.pending
            if isinstance(step, Wait):
                got = step.until()
                if got:
                    self.pending, self.value = None, got
                elif time.monotonic() - step.started > STEP_TIMEOUT_S:
                    raise JourneyFailed(f"stuck waiting for: {step.what}; focus on {describe(QApplication.focusWidget())}, "
                                        f"active window {describe(QApplication.activeWindow())}")
            elif not self.acting:
                # run from a timer of its own: an action that opens a modal dialog returns only
                # when the dialog closes, and Qt never re-enters a timer whose slot is still running
                self.acting = True
                QTimer.singleShot(0, lambda: self.act(step))
            elif self.started:
                self.pending, self.acting, self.started = None, False, False
        except StopIteration:
            self.finish()
        except BaseException as exc:  # noqa: BLE001 - reported by run_journey
            self.error = exc
            self.trace = traceback.format_exc()
            self.finish()
            abandon()

    def act(self, step: Callable[[], object]) -> None:
        self.started = True
        try:
            step()
        except BaseException as exc:  # noqa: BLE001 - reported by run_journey
            if self.error is None:
                self.error = exc
                self.trace = traceback.format_exc()
            self.finish()
            abandon()

    def finish(self) -> None:
        self.done = True
        self.timer.stop()


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    return f"{type(widget).__name__}({widget.objectName() or widget.accessibleName() or ''})"


def abandon() -> None:
    """Close every dialog and window so the application's event loop returns after a failure."""
    app = QApplication.instance()
    for _ in range(10):
        modal = QApplication.activeModalWidget()
        if modal is None:
            break
        if isinstance(modal, QDialog):
            modal.reject()
        else:
            modal.close()
    for w in QApplication.topLevelWidgets():
        w.close()
    QTimer.singleShot(0, app.quit)


def run_journey(journey: Journey, argv: Iterable[str] = ()) -> int:
    """Run ``returns-desk`` (the console script's function) with ``argv`` while the journey drives it."""
    from returns_desk import cli
    from returns_desk.ui.app import make_application

    make_application()
    from returns_desk.ui.i18n import set_language

    driver = Driver(journey)
    driver.start()
    try:
        code = cli.main(list(argv))
    finally:
        driver.finish()
        set_language("en")  # the process goes on with other tests: the journey's language ends with it
    if driver.error is not None:
        raise JourneyFailed(f"{driver.error}\n--- journey trace ---\n{driver.trace}\n--- steps ---\n" + "\n".join(driver.log[-15:]))
    if not driver.done:
        raise JourneyFailed("the application quit before the journey ended; last steps:\n" + "\n".join(driver.log[-15:]))
    return code


# --- what a person does -----------------------------------------------------------------------


def focus() -> QWidget:
    if QApplication.activeWindow() is None:
        # what a window manager does when a dialog closes: the window below gets the keyboard back
        below = QApplication.activeModalWidget() or next(
            (w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow() and w.windowType() == Qt.WindowType.Window), None)
        if below is not None:
            below.activateWindow()
            # on a real X server the activation comes back as an event, not at once
            deadline = time.monotonic() + 5.0
            while QApplication.focusWidget() is None and time.monotonic() < deadline:
                QApplication.processEvents()
                time.sleep(0.01)
    w = QApplication.focusWidget()
    if w is None:
        raise JourneyFailed(f"no widget has the keyboard focus (active window {describe(QApplication.activeWindow())})")
    return w


def key(k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> Callable[[], None]:
    """Press and release a key in the focused widget (shortcuts fire as they do for a person)."""
    return lambda: QTest.keyClick(focus(), k, modifier)


def type_text(text: str) -> Callable[[], None]:
    """Type text into the focused widget; any characters, Chinese and full-width included."""

    def do() -> None:
        for ch in text:
            target = focus()
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))

    return do


def dialog_of(cls: type) -> Callable[[], Any]:
    """The active modal dialog when it is a ``cls`` (and has the keyboard): for ``Wait``."""

    def found() -> Any:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, cls) and modal.isVisible():
            if QApplication.activeWindow() is not modal:
                modal.activateWindow()  # without a window manager nothing activates a new window
                return None
            return modal
        return None

    return found


def window_of(cls: type) -> Callable[[], Any]:
    def found() -> Any:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, cls) and w.isVisible() and QApplication.activeModalWidget() is None:
                if QApplication.activeWindow() is not w:
                    w.activateWindow()
                    return None
                return w
        return None

    return found


def gone(widget: QWidget) -> Callable[[], bool]:
    """For ``Wait``: the dialog was closed (or closed and deleted, as QInputDialog.getText does)."""
    return lambda: not shiboken6.isValid(widget) or not widget.isVisible()


def check(condition: object, message: str) -> None:
    if not condition:
        raise JourneyFailed(message)
