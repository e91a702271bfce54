"""The window's first frame and the work that follows it (issue 15, item 1).

The first frame is what a clerk needs at once: the model field, with the keyboard in it, and the
verdict banner. They are built here from Qt's widget classes alone. This module imports nothing
else of Returns Desk, and no Qt enum namespace (``Qt``: about 25 ms, ``QStyle``: 10 ms).

The rest of the window (the counter page around these widgets, the menus' actions, the other
pages, the database and its services, head-office sync, the start-up checks) is built by
:class:`IdleStages`, one stage each time the event loop has nothing else to do: a key typed
meanwhile is handled first and lands in the real model field, which the counter page adopts
(:class:`CounterHead`). Whoever needs a stage's result at once calls :meth:`IdleStages.run_through`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6

from PySide6.QtCore import QAbstractEventDispatcher, QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QVBoxLayout, QWidget


class CounterHead(QWidget):
    """The top of the counter page: the read-only warning (shown only for a file that cannot be
    written), the model field with the signed-in clerk, the verdict icon and banner.

    Built for the first frame, then adopted by ``CounterPage`` (the same widgets: what was typed
    stays, with its cursor). Enter pressed before the page exists is remembered
    (``enter_pending``) and acted on by the page. Its texts are the counter page's own
    (translation context ``CounterPage``)."""

    def __init__(self, db_path: str, readonly: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(5)  # the counter page's spacing: the rows sit where they will stay
        self.readonly_banner = QLabel()
        self.readonly_banner.setObjectName("errorLabel")
        self.readonly_banner.setWordWrap(True)
        self.set_readonly(db_path, readonly)
        layout.addWidget(self.readonly_banner)

        top = QHBoxLayout()
        self.model_label = QLabel(QCoreApplication.translate("CounterPage", "&Model number"))
        self.model_edit = QLineEdit()
        self.model_edit.setObjectName("modelEdit")
        self.model_edit.setPlaceholderText(QCoreApplication.translate("CounterPage", "Type or scan the model number, e.g. A1257"))
        self.model_edit.setMaxLength(256)
        self.model_label.setBuddy(self.model_edit)
        self.clerk_label = QLabel()
        top.addWidget(self.model_label)
        top.addWidget(self.model_edit, 1)
        top.addSpacing(16)
        top.addWidget(self.clerk_label)
        layout.addLayout(top)

        banner_row = QHBoxLayout()
        self.verdict_icon = QLabel()  # its picture comes with the page (QStyle's icons cost 10 ms)
        self.verdict_icon.setFixedSize(52, 52)
        self.verdict_banner = QLabel(QCoreApplication.translate("CounterPage", "Type or scan a model number"))
        self.verdict_banner.setObjectName("verdictBanner")
        self.verdict_banner.setProperty("verdict", "unknown")
        self.verdict_banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        banner_row.addWidget(self.verdict_icon)
        banner_row.addWidget(self.verdict_banner, 1)
        layout.addLayout(banner_row)

        self.enter_pending = False
        self.model_edit.returnPressed.connect(self._remember_enter)

    def set_readonly(self, db_path: str, readonly: bool) -> None:
        self.readonly_banner.setText(QCoreApplication.translate("CounterPage",
            "READ-ONLY DATABASE: look-ups work, but no return can be saved. The file or its folder cannot be "
            "written (%1). Tell the manager; close Returns Desk and fix the permissions or the disk.").replace("%1", db_path))
        self.readonly_banner.setVisible(readonly)

    def _remember_enter(self) -> None:
        self.enter_pending = True

    def adopted(self) -> None:
        """The counter page has taken these widgets over: Enter is its own from now on."""
        self.model_edit.returnPressed.disconnect(self._remember_enter)

    def set_clerk(self, name: str) -> None:
        self.clerk_label.setText(QCoreApplication.translate("CounterPage", "Signed in: %1").replace("%1", name))


def first_page(head: CounterHead) -> QWidget:
    """The counter's tab until the page is built: the head where the page will have it
    (the page's margins), nothing below it yet."""
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(8, 6, 8, 4)  # as CounterPage's: nothing moves when the page arrives
    layout.setSpacing(5)
    layout.addWidget(head)
    layout.addStretch(1)
    return page


class IdleStages(QObject):
    """Named pieces of start-up work, run in order, one each time the event loop is about to wait
    for input (``QAbstractEventDispatcher.aboutToBlock``): keys, paints and timers always come
    first. Nothing runs before :meth:`start_after_first_paint` (or :meth:`run_all`): then the
    stages begin once a window of the application has been painted and the loop has gone idle.

    ``run_through(name)`` runs every stage up to ``name`` now (for whoever needs its result at
    once); ``finished`` is emitted after the last one. ``timings`` holds each stage's milliseconds."""

    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stages: list[tuple[str, Callable[[], object]]] = []
        self._done: set[str] = set()
        self._running = False
        self._watching = False
        self._started = False
        self._stopped = False
        self._scheduled = False
        self._paint_watch: _Painted | None = None
        self.timings: dict[str, float] = {}

    def add(self, name: str, work: Callable[[], object]) -> None:
        self._stages.append((name, work))
        if self._started and not self._stopped:
            self._watch()

    def done(self, name: str) -> bool:
        return name in self._done

    @property
    def all_done(self) -> bool:
        return not self._stages

    def when_done(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` once, when no stage is left (at once if none is): ``finished``
        comes again after a stage added late, the callback does not."""
        if self.all_done:
            callback()
            return

        def fire() -> None:
            if self.all_done:
                self.finished.disconnect(fire)
                callback()

        self.finished.connect(fire)

    def start_after_first_paint(self, *widgets: QWidget) -> None:
        """Begin once one of ``widgets``, or a modal dialog shown meanwhile (the sign-in), has
        been painted and the loop is idle: the stages come after the first frame, never before.
        (Watched widget by widget: a filter on the whole application would wrap every Qt object
        an event goes to in Python, which costs more than the first frame.)"""
        dispatcher = QAbstractEventDispatcher.instance()
        if self._started or self._paint_watch is not None or dispatcher is None:
            return
        self._paint_watch = _Painted(self)
        for w in widgets:
            self._paint_watch.watch(w)
        dispatcher.aboutToBlock.connect(self._before_start)

    def _before_start(self) -> None:
        watch = self._paint_watch
        if watch is None:
            return
        if not watch.seen:
            modal = QApplication.activeModalWidget()
            if modal is not None:
                watch.watch(modal)
            return
        dispatcher = QAbstractEventDispatcher.instance()
        if dispatcher is not None:
            dispatcher.aboutToBlock.disconnect(self._before_start)
        watch.unwatch()
        self._paint_watch = None
        self._started = True
        if not self._stopped:
            self._watch()
            self._on_idle()  # this is an idle moment already

    def stop(self) -> None:
        """Run nothing more (the window is closing)."""
        self._stopped = True
        self._unwatch()
        if self._paint_watch is not None:
            self._paint_watch.unwatch()

    def run_through(self, name: str) -> None:
        """Every stage up to and including ``name``, now (nothing when it ran already)."""
        while name not in self._done and self._stages and not self._running:
            self._run_next()
        if self._running and name not in self._done:
            raise RuntimeError(f"start-up stage {name!r} is needed while another stage is still running")

    def run_all(self) -> None:
        while self._stages and not self._running:
            self._run_next()

    def _watch(self) -> None:
        dispatcher = QAbstractEventDispatcher.instance()
        if not self._watching and self._stages and dispatcher is not None:
            dispatcher.aboutToBlock.connect(self._on_idle)
            self._watching = True

    def _unwatch(self) -> None:
        dispatcher = QAbstractEventDispatcher.instance()
        if self._watching and dispatcher is not None:
            dispatcher.aboutToBlock.disconnect(self._on_idle)
        self._watching = False

    def _on_idle(self) -> None:
        if self._running or self._stopped or self._scheduled:
            return
        if not self._stages:
            self._unwatch()
            return
        # the loop is about to wait for input: the next stage runs from a zero timer, as a timer
        # of its own (never inside the dispatcher's signal), and the one after it only when the
        # loop is idle again
        self._scheduled = True
        QTimer.singleShot(0, self._tick)

    def _tick(self) -> None:
        self._scheduled = False
        if self._running or self._stopped or not self._stages:
            return
        self._run_next()

    def _run_next(self) -> None:
        name, work = self._stages.pop(0)
        self._running = True
        t0 = time.perf_counter()
        try:
            work()
        finally:
            self._running = False
            self.timings[name] = (time.perf_counter() - t0) * 1000
            self._done.add(name)
        if not self._stages:
            self._unwatch()
            self.finished.emit()


class _Painted(QObject):
    """Notes the first paint event of the widgets it watches."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.paint = QEvent.Type.Paint
        self.seen = False
        self.watched: list[QWidget] = []

    def watch(self, widget: QWidget) -> None:
        if widget not in self.watched:
            widget.installEventFilter(self)
            self.watched.append(widget)

    def unwatch(self) -> None:
        for w in self.watched:
            if shiboken6.isValid(w):
                w.removeEventFilter(self)
        self.watched.clear()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == self.paint:
            self.seen = True
        return False
