"""Tamper evidence: the audit trail is a hash chain, and each return's content is fingerprinted
in the event that recorded it. Pure functions; ``services.verify_service`` walks the database."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The fields of a return fixed when it is recorded (see storage.repository.RETURN_COLUMNS).
VOID_FIELDS = ("status", "void_reason", "void_by", "void_at")


#: ``json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` made once
#: (``json.dumps`` with arguments builds a new encoder on every call; the text is the same)
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _canonical(value: Any) -> str:
    return _CANONICAL.encode(value)


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


# --- signed events ------------------------------------------------------------------------------
#
# Each counter signs every audit event it writes with its own Ed25519 key. What is signed is the
# event's hash, which covers the event's every field and the hash of the event before it, so a
# signature vouches for the whole history up to that event. The public key travels in the chain
# (the event that announces it, signed by the key itself) and in the ``signing_keys`` table; the
# private key never enters the database.

#: Actions that announce a key: the first key of a file, and a new key approved by a manager.
KEY_CREATED = "signing_key_created"
KEY_REPLACED = "signing_key_replaced"
KEY_ACTIONS = (KEY_CREATED, KEY_REPLACED)
_SIGNED_PREFIX = b"returns-desk audit event v1\x00"


def key_id_of(public_hex: str) -> str:
    """A key's name: the first 16 hex digits of the SHA-256 of its raw public key."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]


def short_key(key_id: str) -> str:
    return " ".join(key_id[i : i + 4] for i in range(0, len(key_id), 4))


class SigningKey:
    """An Ed25519 private key held in memory while a counter writes (loaded from the key store)."""

    def __init__(self, private_hex: str) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        self._key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex))
        raw = self._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_hex = raw.hex()
        self.key_id = key_id_of(self.public_hex)

    @classmethod
    def generate(cls) -> tuple["SigningKey", str]:
        """A new key and its private half as hex (for the key store only)."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        private = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        ).hex()
        return cls(private), private

    def sign(self, digest: str) -> str:
        return self._key.sign(_SIGNED_PREFIX + digest.encode("ascii")).hex()

    def __repr__(self) -> str:  # never the private half, not even in a traceback
        return f"SigningKey({self.key_id})"


@functools.lru_cache(maxsize=64)
def _public_key(public_hex: str) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))


def signature_ok(public_hex: str, digest: str, signature_hex: str | None) -> bool:
    """Whether ``signature_hex`` is the signature of the event hash ``digest`` by that key."""
    if not signature_hex or not isinstance(signature_hex, str) or not isinstance(digest, str):
        return False
    return _signature_ok(public_hex, digest, signature_hex)


@functools.lru_cache(maxsize=1 << 15)
def _signature_ok(public_hex: str, digest: str, signature_hex: str) -> bool:
    """The check itself (about 0.1 ms), remembered for the same key, hash and signature: verifying
    a file again in the same process (the fuzz test, a window checking twice) checks only what
    differs. Bounded: a million-event file churns through it at no extra cost."""
    from cryptography.exceptions import InvalidSignature

    try:
        _public_key(public_hex).verify(bytes.fromhex(signature_hex), _SIGNED_PREFIX + digest.encode("ascii"))
    except (InvalidSignature, ValueError, UnicodeEncodeError):
        return False
    return True


def as_recorded(row: Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """A return's fields as they were when it was recorded (what the event's ``row_sha256``
    fingerprints): the manufacturer's answer, set later, only ever replaces ``pending``."""
    out = {c: row.get(c) for c in columns}
    if out.get("confirmation") in ("confirmed", "rejected"):
        out["confirmation"] = "pending"
    return out
