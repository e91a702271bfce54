"""The manufacturer's reconciliation in bulk: the pending serials of a recall for the claims
file, and the manufacturer's answers previewed and applied (manager) in one audited transaction.

Applying records each matched answer exactly as a manager's ``confirm`` does (the return's
confirmation, and a ``confirmation_set`` event that ``verify`` checks), keeps the
manufacturer's reference in ``claim_answers``, and ends with one ``claims_imported`` event.
A second import of the same file finds every answer already given and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from returns_desk.domain.auth import Actor
from returns_desk.domain.claims import AnswerRow, Preview, classify
from returns_desk.domain.errors import InputError
from returns_desk.domain.text import serial_key
from returns_desk.services.clock import utc_now, utc_text
from returns_desk.services.desk import Desk
from returns_desk.storage import custody_repo as crepo
from returns_desk.storage import repository as repo


class ClaimsService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def pending(self, recall_id: str, *, by: str) -> list[dict[str, Any]]:
        """Active returns of ``recall_id`` still pending the manufacturer's answer (audited as an export)."""
        recall = self.desk.catalogue.recall(recall_id.strip())
        if recall is None:
            raise InputError("claims_recall_unknown", field="recall", recall=recall_id.strip())
        rows = crepo.pending_claims(self.desk.conn, recall.id)
        with self.desk.conn.write() as db:
            repo.audit(db, at=utc_text(utc_now()), actor=by, action="claims_exported", entity="recall", entity_id=recall.id,
                       details={"rows": len(rows)})
        return rows

    def _serials(self, rows: Sequence[AnswerRow]) -> list[str]:
        return [serial_key(r.serial) for r in rows if r.serial and r.serial.strip()]

    def preview(self, rows: Sequence[AnswerRow]) -> Preview:
        return classify(rows, crepo.returns_by_serials(self.desk.conn, self._serials(rows)))

    def apply(self, rows: Sequence[AnswerRow], *, by: Actor, file_sha256: str, source: str = "") -> Preview:
        """Apply the matched answers (manager), all in one transaction, classified again inside
        it (another counter may have answered some meanwhile). Returns the preview applied."""
        by.require("confirm")
        now = utc_text(utc_now())
        with self.desk.conn.write() as db:
            preview = classify(rows, crepo.returns_by_serials(db, self._serials(rows)))
            if not preview.matched:
                return preview
            for ret, result, reference, line in preview.matched:
                repo.set_confirmation(db, ret["ticket"], result)
                repo.audit(db, at=now, actor=by.name, action="confirmation_set", entity="return", entity_id=ret["uuid"],
                           details={"ticket": ret["ticket"], "confirmation": result, "note": reference, "source": "claims_import",
                                    "file_sha256": file_sha256, "line": line})
                crepo.insert_claim_answer(db, {
                    "return_uuid": ret["uuid"], "ticket": ret["ticket"], "serial": ret["serial"], "result": result,
                    "reference": reference, "imported_at": now, "imported_by": by.name, "file_sha256": file_sha256,
                })
            repo.audit(db, at=now, actor=by.name, action="claims_imported", entity="claims_file", entity_id=file_sha256,
                       details={"source": source, "rows": preview.rows, **{f"n_{k}": v for k, v in preview.counts.items()}})
        return preview
