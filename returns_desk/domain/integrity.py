"""Tamper evidence: the audit trail is a hash chain, and each return's content is fingerprinted
in the event that recorded it. Pure functions; ``services.verify_service`` walks the database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The fields of a return fixed when it is recorded (see storage.repository.RETURN_COLUMNS).
VOID_FIELDS = ("status", "void_reason", "void_by", "void_at")


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_digest(row: Mapping[str, Any], columns: Sequence[str]) -> str:
    return hashlib.sha256(_canonical([row.get(c) for c in columns]).encode()).hexdigest()


def event_hash(event_id: int, at: str, actor: str, action: str, entity: str | None, entity_id: str | None, details: str | None, prev_hash: str | None) -> str:
    return hashlib.sha256(_canonical([event_id, at, actor, action, entity, entity_id, details, prev_hash]).encode()).hexdigest()


#: Hex digits of an event's hash printed on paper: 64 bits, four groups of four, easy to type.
ANCHOR_DIGITS = 16


@dataclass(frozen=True)
class Anchor:
    """A position in the audit chain and the hash of the event there, as printed on every daily
    report ("audit: event 1,234 · 7f3a 91c2 0be4 55d1") and copied back from paper into
    ``returns-desk verify --anchor 1234:7f3a91c20be455d1``. ``hash`` may be the full hash or the
    short form read from paper."""

    event: int
    hash: str

    @property
    def short(self) -> str:
        h = self.hash[:ANCHOR_DIGITS]
        return " ".join(h[i : i + 4] for i in range(0, len(h), 4))

    @property
    def typed(self) -> str:
        """The form to type after ``--anchor``."""
        return f"{self.event}:{self.hash[:ANCHOR_DIGITS]}"

    def label(self, lang: str = "en") -> str:
        from returns_desk.domain.messages import say

        return say("audit_anchor", lang, event=f"{self.event:,}", hash=self.short)

    def matches(self, full_hash: str | None) -> bool:
        return full_hash is not None and full_hash.startswith(self.hash)

    def as_json(self) -> dict[str, Any]:
        return {"event": self.event, "hash": self.hash}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> "Anchor | None":
        if not data:
            return None
        return cls(int(data["event"]), str(data["hash"]))


_ANCHOR_NOISE = str.maketrans("", "", " ,._·\u00a0\u202f'")


def parse_anchor(text: str) -> Anchor:
    """``1234:7f3a91c20be455d1``, ``1,234:7f3a 91c2 0be4 55d1`` or ``event 1,234 · 7f3a ...``
    as printed; the hash is 16 hex digits (or the full 64). Raises ValueError."""
    cleaned = text.strip().lower().replace("：", ":")
    for prefix in ("audit:", "审计:"):
        cleaned = cleaned.removeprefix(prefix)
    cleaned = cleaned.replace("event", "").replace("事件", "")
    if ":" not in cleaned and "·" in cleaned:
        cleaned = cleaned.replace("·", ":", 1)
    number, sep, digest = cleaned.partition(":")
    number = number.translate(_ANCHOR_NOISE)
    digest = digest.translate(_ANCHOR_NOISE)
    if not sep or not number.isdigit() or int(number) < 1:
        raise ValueError(text)
    if len(digest) not in (ANCHOR_DIGITS, 64) or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(text)
    return Anchor(int(number), digest)
