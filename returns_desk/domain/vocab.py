"""Every closed list of codes the program uses, in one place: conditions, remedies, proof of
purchase, confirmation states, incident kinds and actions, group-by keys, export formats.

Each vocabulary is a table of (code, message key, order): the code is what is stored and typed
on the command line, the message key is its word in ``domain.messages`` (English and Chinese),
the order is the order shown. The window's lists, the command line's ``choices``, the reports
and the exports all read these tables; nothing else spells the codes out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from returns_desk.domain.messages import say


class Term(NamedTuple):
    code: str
    key: str  # message key of the word for the code
    long_key: str | None = None  # message key of a longer label (the counter's list), if any


class Vocabulary:
    """A closed list of terms, iterated and searched by code."""

    __slots__ = ("name", "terms")

    def __init__(self, name: str, terms: tuple[Term, ...]) -> None:
        self.name = name
        self.terms = terms

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, code: str) -> Term:
        for t in self.terms:
            if t.code == code:
                return t
        raise KeyError(f"{code!r} is not a {self.name}")

    def word(self, code: str, lang: str = "en") -> str:
        """The code in words, in ``lang``; an unknown code is shown as it is."""
        try:
            return say(self.term(code).key, lang)
        except KeyError:
            return code

    def label(self, code: str, lang: str = "en") -> str:
        """The longer label where there is one (the counter's condition list), else the word."""
        t = self.term(code)
        return say(t.long_key or t.key, lang)

    def index(self, code: str) -> int:
        return self.codes.index(code)

    def listed(self, lang: str = "en") -> str:
        """'refund, replacement, voucher' in ``lang`` (for messages that list the choices)."""
        return say("list_separator", lang).join(self.word(c, lang) for c in self.codes)


def _vocab(name: str, *terms: tuple[str, str] | tuple[str, str, str]) -> Vocabulary:
    return Vocabulary(name, tuple(Term(*t) for t in terms))


CONDITIONS = _vocab(
    "condition",
    ("intact", "cond_intact", "cond_long_intact"),
    ("swollen", "cond_swollen", "cond_long_swollen"),
    ("hot", "cond_hot", "cond_long_hot"),
    ("leaking", "cond_leaking", "cond_long_leaking"),
    ("burnt", "cond_burnt", "cond_long_burnt"),
    ("damaged", "cond_damaged", "cond_long_damaged"),
)
INTACT = "intact"
#: A unit in this condition stops the return: nobody handles it, it becomes an incident.
STOP_CONDITIONS = frozenset({"hot"})
#: Not intact: the damaged/defective battery card and marking (UN3480) apply.
HAZARDOUS = frozenset(CONDITIONS.codes) - {INTACT}
#: Conditions the daily report lists as incidents even when the return went ahead.
INCIDENT_CONDITIONS = ("hot", "burnt")

REMEDIES = _vocab("remedy", ("refund", "remedy_refund"), ("replacement", "remedy_replacement"), ("voucher", "remedy_voucher"))
REFUND, REPLACEMENT, VOUCHER = REMEDIES.codes

PROOF_TYPES = _vocab(
    "proof", ("none", "proof_none"), ("receipt", "proof_receipt"), ("order_number", "proof_order_number"), ("photo", "proof_photo"),
)
NO_PROOF, RECEIPT = "none", "receipt"

#: The manufacturer's confirmation of a return (``returns.confirmation``).
CONFIRMATIONS = _vocab(
    "confirmation",
    ("pending", "rpt_confirmation_pending"),
    ("not_required", "rpt_confirmation_not_required"),
    ("confirmed", "rpt_confirmation_confirmed"),
    ("rejected", "rpt_confirmation_rejected"),
)
PENDING, NOT_REQUIRED = "pending", "not_required"
#: What a manager may record as the manufacturer's answer.
ANSWERS = _vocab("answer", ("confirmed", "answer_confirmed"), ("rejected", "answer_rejected"))

#: Counter work that is not a return: a stopped (hazardous) return, or an enquiry.
INCIDENT_KINDS = _vocab("incident kind", ("hazard", "incident_kind_hazard"), ("enquiry", "incident_kind_enquiry"))
HAZARD, ENQUIRY = INCIDENT_KINDS.codes
#: What was done, as the clerk records it.
INCIDENT_ACTIONS = _vocab(
    "incident action",
    ("fire_procedure", "incident_action_fire_procedure"),
    ("left_to_cool", "incident_action_left_to_cool"),
    ("customer_kept", "incident_action_customer_kept"),
    ("customer_told", "incident_action_customer_told"),
)
CUSTOMER_TOLD = "customer_told"

#: Keys a tally can be grouped by, in the order offered.
GROUP_BY = _vocab(
    "group-by key", ("day", "tally_day"), ("store", "tally_store"), ("counter", "tally_counter"), ("clerk", "tally_clerk"),
    ("brand", "tally_brand"), ("model", "tally_model"), ("recall", "tally_recall"), ("remedy", "tally_remedy"),
)
DEFAULT_GROUP_BY = ("model", "remedy")

EXPORT_FORMATS = _vocab("export format", ("xlsx", "format_xlsx"), ("csv", "format_csv"), ("pdf", "format_pdf"))
#: Formats of the files a spreadsheet reads and writes back (claims lists, head-office exports).
SHEET_FORMATS = ("csv", "xlsx")

#: Quarantine containers: one for intact recalled units, one for damaged/defective ones.
CONTAINER_TYPES = _vocab("container type", ("intact", "container_type_intact"), ("damaged", "container_type_damaged"))
DAMAGED_CONTAINER = "damaged"

#: Fonts for Chinese text, in order of preference (window and PDFs alike). Noto must be asked
#: for by its SC name, or Qt picks the Japanese glyph variant.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC")
