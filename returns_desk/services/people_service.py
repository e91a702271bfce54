"""Clerks, managers, PINs and sign-in. Roles are enforced here and in the other services,
not only by greyed-out buttons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from returns_desk.domain.auth import LOCK_MINUTES, MAX_FAILED, ROLES, Actor, check_pin_rules, hash_pin, verify_pin
from returns_desk.domain.catalogue import MARKETS
from returns_desk.domain.errors import InputError, RefusedError
from returns_desk.domain.returns import clean_text
from returns_desk.services.clock import DEFAULT_ZONES, utc_now, utc_text
from returns_desk.services.desk import Desk
from returns_desk.storage import repository as repo


class PeopleService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    # --- setup and clerks -----------------------------------------------------------------

    def is_set_up(self) -> bool:
        return repo.clerk_count(self.desk.conn) > 0

    def setup(self, *, store: str, counter: str, market: str, manager: str, pin: str, language: str = "", store_code: str | None = None) -> None:
        """First run: the store and the first manager. There is no default password anywhere."""
        if self.is_set_up():
            raise RefusedError("already_set_up")
        store_name = clean_text(store, "clerk")
        counter_id = clean_text(counter, "clerk")
        if not store_name:
            raise InputError("store_required", field="store")
        if not counter_id or not counter_id.replace("-", "").isalnum() or not counter_id.isascii() or len(counter_id) > 12:
            raise InputError("counter_invalid", field="counter")
        market = (market or "").strip().upper()
        if market not in MARKETS:
            raise InputError("market_invalid", field="market")
        name = self._name(manager)
        pin_ok = check_pin_rules(pin)
        now = utc_text(utc_now())
        values = {"store_name": store_name, "counter": counter_id, "market": market, "time_zone": DEFAULT_ZONES[market]}
        if store_code:
            values["store_code"] = store_code
        if language:
            values["language"] = language
        digest, salt, params = hash_pin(pin_ok)
        with self.desk.conn.write() as db:
            repo.put_settings(db, values)
            repo.add_clerk(db, name=name, role="manager", pin_hash=digest, pin_salt=salt, pin_params=params, created_at=now)
            repo.audit(db, at=now, actor=name, action="store_set_up", entity="settings", details={**values, "manager": name})
        self.desk.reload_settings()

    @staticmethod
    def _name(name: str) -> str:
        cleaned = clean_text(name, "clerk")
        if not cleaned:
            raise InputError("clerk_required", field="name")
        return cleaned

    def add_clerk(self, actor: Actor, name: str, role: str, pin: str) -> None:
        actor.require("manage_clerks")
        if role not in ROLES:
            raise InputError("role_invalid", field="role")
        name = self._name(name)
        pin_ok = check_pin_rules(pin)
        if repo.clerk_by_name(self.desk.conn, name) is not None:
            raise RefusedError("clerk_exists", field="name", name=name)
        digest, salt, params = hash_pin(pin_ok)
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            repo.add_clerk(db, name=name, role=role, pin_hash=digest, pin_salt=salt, pin_params=params, created_at=now)
            repo.audit(db, at=now, actor=actor.name, action="clerk_added", entity="clerk", entity_id=name, details={"role": role})

    def disable_clerk(self, actor: Actor, name: str) -> None:
        actor.require("manage_clerks")
        row = repo.clerk_by_name(self.desk.conn, name)
        if row is None:
            raise InputError("clerk_unknown", field="name", name=name)
        others = [c for c in repo.clerks(self.desk.conn) if c["role"] == "manager" and c["active"] and c["name"] != row["name"]]
        if row["role"] == "manager" and not others:
            raise RefusedError("last_manager", name=row["name"])
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            repo.set_clerk_active(db, row["name"], False)
            repo.audit(db, at=now, actor=actor.name, action="clerk_disabled", entity="clerk", entity_id=row["name"])

    def list_clerks(self) -> list[dict[str, Any]]:
        return repo.clerks(self.desk.conn)

    def active_clerk(self, name: str) -> dict[str, Any] | None:
        row = repo.clerk_by_name(self.desk.conn, name.strip())
        return row if row is not None and row["active"] else None

    # --- sign-in --------------------------------------------------------------------------

    def authenticate(
        self, name: str, pin: str, *, audit_action: str | None = "signed_in", now: dt.datetime | None = None, audit_failures: bool = True
    ) -> Actor:
        """Check a PIN. Five wrong PINs in a row lock the account for five minutes.
        Raises RefusedError (pin_wrong / account_locked / clerk_unknown). ``audit_failures``
        False: a wrong PIN still counts towards the lock but writes no audit event (approving a
        new signing key, when no event can be signed yet)."""
        moment = now or utc_now()
        row = repo.clerk_by_name(self.desk.conn, (name or "").strip())
        if row is None or not row["active"]:
            raise RefusedError("sign_in_failed", field="name")
        if row["locked_until"] and moment < dt.datetime.fromisoformat(row["locked_until"].replace("Z", "+00:00")):
            raise RefusedError("account_locked", field="pin", minutes=LOCK_MINUTES)
        ok = verify_pin(pin, row["pin_hash"], row["pin_salt"], row["pin_params"])
        locked = None
        if not ok and row["failed_attempts"] + 1 >= MAX_FAILED:
            locked = utc_text(moment + dt.timedelta(minutes=LOCK_MINUTES))
        with self.desk.conn.write() as db:
            repo.record_sign_in_attempt(db, row["name"], ok=ok, locked_until=locked)
            if ok and audit_action:
                repo.audit(db, at=utc_text(moment), actor=row["name"], action=audit_action, entity="clerk", entity_id=row["name"])
            if not ok and audit_failures:
                repo.audit(db, at=utc_text(moment), actor=row["name"], action="sign_in_failed", entity="clerk", entity_id=row["name"],
                           details={"locked_until": locked} if locked else None)
        if not ok:
            if locked:
                raise RefusedError("account_locked", field="pin", minutes=LOCK_MINUTES)
            raise RefusedError("sign_in_failed", field="pin")
        return Actor(row["name"], row["role"])

    def approve(self, name: str, pin: str, permission: str, *, audit: bool = True) -> Actor:
        """A manager's PIN typed on the spot, e.g. for an override or a void. ``audit`` False:
        the approval is recorded by the caller's own event (a new signing key's announcement)."""
        approver = self.authenticate(name, pin, audit_action="approval_given" if audit else None, audit_failures=audit)
        if not approver.may(permission) or approver.role == "cli":
            raise RefusedError("manager_required", who=approver.name)
        return approver

    def sign_out(self, actor: Actor) -> None:
        with self.desk.conn.write() as db:
            repo.audit(db, at=utc_text(utc_now()), actor=actor.name, action="signed_out", entity="clerk", entity_id=actor.name)

    def cli_actor(self, name: str | None) -> Actor:
        """Who the command line acts as: before set-up any label; after it, an active clerk."""
        label = (name or "").strip()
        if not self.is_set_up():
            return Actor(label or "cli", "cli")
        if not label:
            raise InputError("clerk_required", field="clerk")
        row = self.active_clerk(label)
        if row is None:
            raise InputError("clerk_unknown", field="clerk", name=label)
        return Actor(row["name"], "cli")
