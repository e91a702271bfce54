"""The manufacturer's answers in bulk: which rows of a claims file can be applied. Pure.

Every data row of the file falls in exactly one class:

* ``matched`` – the serial is on exactly one active return still pending confirmation, and the
  file gives it one answer: applying it records that answer;
* ``already_answered`` – that return already has this very answer (importing a file again);
* ``conflicting`` – the file gives the serial different answers, or an answer different from the
  one recorded, or the serial is on several pending returns (which one is meant?);
* ``unknown`` – no active return with that serial awaits a manufacturer's answer;
* ``duplicate`` – the same answer for the same serial again, after its first row;
* ``invalid`` – no serial, or a result that is neither confirmed nor rejected.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from returns_desk.domain.text import serial_key

CLASSES = ("matched", "already_answered", "unknown", "conflicting", "duplicate", "invalid")

#: Column names a manufacturer's file may use (compared folded: case, spaces, _ and - ignored).
SERIAL_NAMES = ("serial", "serial number", "serial no", "sn", "s/n", "serialnumber", "序列号", "序列號", "sn码", "产品序列号")
RESULT_NAMES = ("result", "answer", "status", "decision", "verdict", "confirmation", "affected", "结果", "确认结果", "核查结果", "是否召回")
REFERENCE_NAMES = ("reference", "ref", "their reference", "claim", "claim id", "claim no", "case", "case id", "rma", "单号", "参考号", "工单号")

_CONFIRMED = {"confirmed", "confirm", "yes", "y", "affected", "approved", "accept", "accepted", "recalled", "true", "1", "确认", "是", "受影响", "召回"}
_REJECTED = {"rejected", "reject", "no", "n", "not affected", "unaffected", "denied", "declined", "false", "0", "拒绝", "否", "不受影响", "非召回"}


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c not in " _-\t")


def find_column(header: Sequence[str], names: Iterable[str]) -> int | None:
    wanted = {fold(n) for n in names}
    for i, h in enumerate(header):
        if fold(h or "") in wanted:
            return i
    return None


def parse_result(text: str | None) -> str | None:
    value = unicodedata.normalize("NFKC", (text or "")).strip().casefold()
    if value in _CONFIRMED:
        return "confirmed"
    if value in _REJECTED:
        return "rejected"
    return None


@dataclass(frozen=True)
class AnswerRow:
    line: int
    serial: str
    result_text: str
    reference: str | None = None


@dataclass
class Preview:
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {c: 0 for c in CLASSES})
    #: (return row, result, reference, line) for every matched serial
    matched: list[tuple[Mapping[str, Any], str, str | None, int]] = field(default_factory=list)
    #: line numbers by class, for showing or checking
    lines: dict[str, list[int]] = field(default_factory=lambda: {c: [] for c in CLASSES})

    def add(self, kind: str, line: int) -> None:
        self.counts[kind] += 1
        self.lines[kind].append(line)


def classify(rows: Sequence[AnswerRow], returns_by_serial: Mapping[str, Sequence[Mapping[str, Any]]]) -> Preview:
    """Sort the file's rows into :data:`CLASSES`. ``returns_by_serial``: active returns by their
    stored serial (as :func:`serial_key` keeps it)."""
    out = Preview(rows=len(rows))
    by_serial: dict[str, list[tuple[AnswerRow, str]]] = {}
    for row in rows:
        key = serial_key(row.serial) if row.serial and row.serial.strip() else ""
        result = parse_result(row.result_text)
        if not key or result is None:
            out.add("invalid", row.line)
            continue
        by_serial.setdefault(key, []).append((row, result))
    for key, answers in by_serial.items():
        results = {r for _, r in answers}
        candidates = [r for r in returns_by_serial.get(key, ()) if r["confirmation"] != "not_required"]
        if len(results) > 1:
            kind = "conflicting"
        elif not candidates:
            kind = "unknown"
        elif len(candidates) > 1:
            kind = "conflicting"
        else:
            (result,) = results
            state = candidates[0]["confirmation"]
            kind = "matched" if state == "pending" else ("already_answered" if state == result else "conflicting")
        first, result = answers[0]
        out.add(kind, first.line)
        if kind == "matched":
            out.matched.append((candidates[0], result, first.reference, first.line))
        for row, _ in answers[1:]:
            out.add("duplicate" if kind != "conflicting" else "conflicting", row.line)
    return out
