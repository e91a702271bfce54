"""Signed audit events: each counter's Ed25519 key, made on first use, kept outside the database
(:mod:`returns_desk.services.keystore`), and used by ``repository.audit`` for every event.

* A file's first write makes a key on this computer and announces it (``signing_key_created``,
  signed by the key itself, its public half in the chain and in ``signing_keys``).
* A file whose keys are all elsewhere (a copy taken to another computer, a counter whose key was
  lost) is not written in their name: every write is refused until a manager approves a new key
  with a PIN (``returns-desk key new``), which is announced as ``signing_key_replaced`` and shown
  by ``verify`` as a key change.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.integrity import KEY_CREATED, KEY_REPLACED, SigningKey, short_key
from returns_desk.services.clock import utc_now_text
from returns_desk.services.keystore import KeyStore
from returns_desk.storage import repository as repo
from returns_desk.storage.database import Connection

NEW_KEY_COMMAND = "returns-desk key new --manager NAME --pin PIN --reason TEXT"


def machine_name() -> str:
    try:
        return socket.gethostname() or "?"
    except OSError:
        return "?"


class Signer:
    """Signs the events one open database writes (``LazyDatabase.signer``)."""

    def __init__(self, store: KeyStore | None = None) -> None:
        self.store = store or KeyStore()
        self.key: SigningKey | None = None
        self._announcing = False

    def prepare(self, db: Any) -> None:
        if self._announcing:
            return
        if self.key is not None and repo.signing_key_known(db, self.key.key_id):
            return
        self.key = None  # never signed with, or announced in a transaction that was rolled back
        registered = repo.signing_keys(db)
        for row in reversed(registered):  # the newest key this computer holds
            private = self.store.load(row["key_id"])
            if private is None:
                continue
            try:
                key = SigningKey(private)
            except ValueError:
                continue
            if key.public_hex == row["public_key"]:
                self.key = key
                return
        if registered:
            raise RefusedError("signing_key_missing", keys=", ".join(short_key(r["key_id"]) for r in registered), command=NEW_KEY_COMMAND)
        self.announce(db, KEY_CREATED, actor="system")

    def sign(self, digest: str) -> tuple[str, str]:
        if self.key is None:
            raise RuntimeError("sign() before prepare()")
        return self.key.key_id, self.key.sign(digest)

    def announce(self, db: Any, action: str, *, actor: str, details: dict | None = None) -> SigningKey:
        """Make a new key, keep its private half in the key store, and announce it as an audit
        event signed by the key itself (inside the caller's write transaction)."""
        key, private = SigningKey.generate()
        self.store.save(key.key_id, private)
        del private
        at = utc_now_text()
        machine = machine_name()
        self._announcing = True
        self.key = key
        try:
            event_id = repo.audit(
                db, at=at, actor=actor, action=action, entity="signing_key", entity_id=key.key_id,
                details={"key_id": key.key_id, "public_key": key.public_hex, "machine": machine, **(details or {})},
            )
        finally:
            self._announcing = False
        repo.insert_signing_key(db, key_id=key.key_id, public_key=key.public_hex, event_id=event_id, announced_at=at, machine=machine)
        return key


def attach(conn: Connection, store: KeyStore | None = None) -> Signer:
    """Give an open database its signer (once)."""
    handle: Any = conn.db  # the LazyDatabase (typed as sqlite-utils' Database for the repository)
    signer = getattr(handle, "signer", None)
    if not isinstance(signer, Signer):
        signer = Signer(store)
        handle.signer = signer
    return signer


@dataclass(frozen=True)
class KeyStatus:
    key_id: str | None  # the key this computer signs this file with; None: none (yet)
    where: str | None  # "keyring" or the key file's path
    registered: list[dict]  # every key announced in the file


def status(conn: Connection, store: KeyStore | None = None) -> KeyStatus:
    store = store or KeyStore()
    registered = repo.signing_keys(conn)
    for row in reversed(registered):
        if store.load(row["key_id"]) is not None:
            return KeyStatus(row["key_id"], store.where(row["key_id"]), registered)
    return KeyStatus(None, None, registered)


def needs_new_key(conn: Connection, store: KeyStore | None = None) -> bool:
    """Whether the file has signing keys and this computer holds none of them."""
    state = status(conn, store)
    return bool(state.registered) and state.key_id is None


def replace_key(conn: Connection, approver: Any, *, reason: str) -> SigningKey:
    """A new key for this counter (the old one lost, or on another computer), approved by a
    manager (``approver``, already checked by PIN): announced in the chain, signed by the new key,
    with who approved it and why. ``verify`` shows it as a key change."""
    reason = (reason or "").strip()
    approver.require("signing_key")
    if not reason:
        raise InputError("key_reason_required", field="reason")
    signer = attach(conn)
    with conn.write() as db:
        previous = [r["key_id"] for r in repo.signing_keys(db)]
        action = KEY_REPLACED if previous else KEY_CREATED
        return signer.announce(db, action, actor=approver.name, details={"approved_by": approver.name, "reason": reason, "previous": previous})
