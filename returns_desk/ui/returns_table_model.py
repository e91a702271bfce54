"""The returns log as a Qt table model that pages rows in from storage.

``rowCount`` is one COUNT query; rows are read in pages of ``PAGE`` when the view asks for
them, and only the most recently used ``MAX_PAGES`` pages are kept, so memory stays flat at a
million rows. Reading the page after a cached one is a keyset seek (``id < last id``); a jump
deep into the table is a seek too where storage can prove the ids dense (see log_queries).

The unfiltered count is not waited for: ``max(id) - min(id) + 1`` (two index seeks) is the
number of returns in any file the application wrote (rows are never deleted, ids come in
order), shown at once; the real ``count(*)`` (a million rows: 10-20 ms) runs on a second
connection in a thread once the event loop is idle (the first screen painted); if it differs
(a file edited outside the application) the model is reset to it and ``counted`` says so. A
filtered count is counted before the rows are shown.

A view asks ``data()`` for seven roles per cell on every paint, so ``data()`` answers the roles
it does not use at once, and each row's texts are made once, when first shown. (Answering them
all in one ``multiData`` call per cell measured slower in PySide6: each role is still a call.)
The log's own view (``ReturnsTableView``) does not ask per cell at all: it takes a row's texts
and whether it is void at once (:meth:`ReturnsTableModel.row_texts`). ``data()`` still answers
every role for everything else that reads the model (accessibility, tests, the entry dialog).

Pages are small (``PAGE`` rows, about two screens): the first screen reads no more than it shows
and a few rows besides; scrolling on reads the next page by keyset seek."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractEventDispatcher, QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QFont

from returns_desk.domain.money import format_money
from returns_desk.services.clock import zone
from returns_desk.services.log_service import LogService
from returns_desk.domain.vocab import CONDITIONS, REMEDIES
from returns_desk.storage.repository import ReturnFilter

PAGE = 50
MAX_PAGES = 200  # 10,000 rows held at most

COL_TIME, COL_TICKET, COL_CLERK, COL_MODEL, COL_RECALL, COL_IDENT, COL_CONDITION, COL_REMEDY, COL_AMOUNT, COL_STATUS = range(10)

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_USER = int(Qt.ItemDataRole.UserRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ROLES = frozenset((_DISPLAY, _ALIGN, _USER, _FONT))
_TEXTS = "_texts"  # a row's display texts, cached in the row once made


def _when_idle(callback: Callable[[], None]) -> None:
    """Call ``callback`` once, the next time the event loop is about to wait for input."""
    dispatcher = QAbstractEventDispatcher.instance()
    if dispatcher is None:
        callback()
        return

    def fire() -> None:
        dispatcher.aboutToBlock.disconnect(fire)
        callback()

    dispatcher.aboutToBlock.connect(fire)


class ReturnsTableModel(QAbstractTableModel):
    """Signals: counted(n), when the count shown at once has been checked by a real count."""

    counted = Signal(int)
    _count_arrived = Signal(int, object)  # (generation, count or None) from the counting thread

    def __init__(
        self, service: LogService, parent: QObject | None = None, *, lang: str = "en", first_count: Callable[[], int] | None = None
    ) -> None:
        """``first_count``: the unfiltered count, already started (LogService.count_soon)."""
        super().__init__(parent)
        self.service = service
        self.lang = lang
        self._first_count = first_count
        self.filter = ReturnFilter()
        self._count = 0
        self._generation = 0  # one per refresh: a count that arrives late for an older one is dropped
        self._pending: Callable[[], int] | None = None  # the real count, still running
        self._count_arrived.connect(self._on_count_arrived)
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self.pages_read = 0  # for tests and benchmarks: how many pages came from storage
        self._headers = (
            self.tr("Time"), self.tr("Ticket"), self.tr("Clerk"), self.tr("Model"), self.tr("Recall"),
            self.tr("Serial / batch"), self.tr("Condition"), self.tr("Remedy"), self.tr("Amount"), self.tr("Status"),
        )
        self._words = {code: vocab.word(code, lang) for vocab in (REMEDIES, CONDITIONS) for code in vocab}
        self._status_words = {"void": self.tr("VOID"), "pending": self.tr("pending confirmation"), "active": self.tr("active")}
        self._void_font = QFont()
        self._void_font.setStrikeOut(True)
        self._amount_alignment = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.refresh()

    # --- data access ----------------------------------------------------------------------

    def set_filter(self, flt: ReturnFilter) -> None:
        self.filter = flt
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._generation += 1
        self._pending = None
        first, self._first_count = self._first_count, None
        unfiltered = self.filter == ReturnFilter()
        bound = self.service.count_at_once() if unfiltered and first is None else None
        if first is not None and unfiltered:
            self._count = first()
        elif bound is not None:
            self._count = bound
            generation = self._generation

            def arrived(n: int | None) -> None:  # in the counting thread: hand it to the model's thread
                try:
                    self._count_arrived.emit(generation, n)
                except RuntimeError:  # the model is gone already
                    pass

            flt = self.filter
            running: list[Callable[[], int]] = []

            def start() -> Callable[[], int]:
                if not running:
                    running.append(self.service.count_soon(flt, arrived))
                return running[0]

            def when_idle() -> None:
                if generation == self._generation and not running:
                    start()

            # the real count starts once the event loop has nothing left to do (the first screen
            # painted: on two busy cores a count running beside the painting slows it down), or at
            # once when something needs it (a jump deep into the log, wait_counted)
            self._pending = lambda: start()()
            _when_idle(when_idle)
        else:
            self._count = self.service.count(self.filter)
        self.endResetModel()

    @Slot(int, object)
    def _on_count_arrived(self, generation: int, n: int | None) -> None:
        if generation != self._generation or self._pending is None:
            return  # a count for an older refresh, or applied already
        if n is None:
            return  # the thread could not count: the next jump counts here, with this connection's errors
        self._apply_count(n)

    def _exact_count(self) -> int:
        """The real count of the current filter (waits for the one running, if any)."""
        return self._pending() if self._pending is not None else self._count

    def _apply_count(self, n: int) -> None:
        self._pending = None
        if n != self._count:
            self.beginResetModel()
            self._pages.clear()
            self._count = n
            self.endResetModel()
        self.counted.emit(n)

    def wait_counted(self) -> int:
        """The real count, applied now rather than when the counting thread's signal arrives."""
        if self._pending is not None:
            self._generation += 1  # the signal on its way changes nothing
            self._apply_count(self._exact_count())
        return self._count

    def row(self, r: int) -> dict[str, Any] | None:
        if not 0 <= r < self._count:
            return None
        page_no, offset = divmod(r, PAGE)
        page = self._pages.get(page_no)
        if page is None:
            page = self._load(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    def _load(self, page_no: int) -> list[dict[str, Any]]:
        previous = self._pages.get(page_no - 1)
        if previous:
            rows = self.service.page(self.filter, page_no * PAGE, PAGE, before_id=previous[-1]["id"])
        elif page_no == 0:
            rows = self.service.page(self.filter, 0, PAGE)
        else:  # a jump: seeks by the real count (never the one shown at once, which may be high)
            rows = self.service.page(self.filter, page_no * PAGE, PAGE, total=self._exact_count())
        self.pages_read += 1
        self._pages[page_no] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    @property
    def cached_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())

    # --- Qt model API ---------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt's own default)
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 (Qt's own default)
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._headers):
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)  # an int from Qt; an IntEnum from Python callers
        if role not in _ROLES or not index.isValid():
            return None
        col = index.column()
        if role == _ALIGN:
            return self._amount_alignment if col == COL_AMOUNT else None
        row = self.row(index.row())
        if row is None:
            return None
        if role == _DISPLAY:
            texts = self._texts_of(row)
            return texts[col] if 0 <= col < len(texts) else None
        if role == _USER:
            return row["ticket"]
        if role == _FONT and row["status"] == "void":
            return self._void_font
        return None

    def row_texts(self, r: int) -> tuple[tuple[str, ...], bool] | None:
        """Row ``r``'s display text of every column and whether it is void (struck out), made
        once per row: what ``data()`` answers for DisplayRole and FontRole, in one call."""
        row = self.row(r)
        if row is None:
            return None
        return self._texts_of(row), row["status"] == "void"

    def _texts_of(self, row: dict[str, Any]) -> tuple[str, ...]:
        """The texts of the columns COL_TIME .. COL_STATUS, in that order, made once per row."""
        texts = row.get(_TEXTS)
        if texts is None:
            texts = row[_TEXTS] = self._texts(row)
        return texts

    def _texts(self, row: dict[str, Any]) -> tuple[str, ...]:
        moment = dt.datetime.fromisoformat(row["recorded_at"].replace("Z", "+00:00")).astimezone(zone(row["time_zone"]))
        if row["status"] == "void":
            status = self._status_words["void"]
        elif row["confirmation"] == "pending":
            status = self._status_words["pending"]
        else:
            status = self._status_words["active"]
        words = self._words
        return (
            f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d}",  # %Y-%m-%d %H:%M
            row["ticket"],
            row["clerk"],
            f"{row['brand']} {row['model']}",
            row["recall_id"],
            " / ".join(x for x in (row["serial"], row["batch_code"]) if x),
            words.get(row["condition"], row["condition"]),
            words.get(row["remedy"], row["remedy"]),
            format_money(row["amount_minor"], row["currency"], self.lang),
            status,
        )
