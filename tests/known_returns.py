"""A known set of returns over two business days and three clerks, recorded through
ReturnsService.record, with the figures a daily report and a tally must show for them."""

from __future__ import annotations

import datetime as dt

from returns_desk.domain.returns import ReturnDraft

CN = dt.timezone(dt.timedelta(hours=8))
DAY1 = dt.date(2025, 7, 1)
DAY2 = dt.date(2025, 7, 2)
CLERKS = ("Li Na", "Wang Wei", "Zhang Min")


def at(day: dt.date, hh: int, mm: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=CN)


def sn(i: int) -> str:
    return f"AKFF1Y0E4830{i:04d}"


def record_known_returns(returns) -> dict:
    """Record the set; returns the tickets by label."""
    t: dict[str, str] = {}

    def rec(label, **kw):
        t[label] = returns.record(ReturnDraft(isolation_confirmed=True, **kw))["ticket"]

    # day 1
    rec("r1", model_input="A1257", remedy="refund", clerk="Li Na", amount="149.00", serial=sn(1), receipt="R-1001", at=at(DAY1, 10, 5))
    rec("r2", model_input="A1647", remedy="refund", clerk="Li Na", amount="229.00", serial=sn(2), condition="swollen", at=at(DAY1, 10, 40))
    rec("r3", model_input="PAC20-272", batch="C14-P6", remedy="replacement", clerk="Wang Wei", replacement_model="PAC20-372", at=at(DAY1, 11, 15))
    rec("r4", model_input="A1652", remedy="voucher", clerk="Wang Wei", amount="199.00", serial=sn(4), at=at(DAY1, 12, 0))
    rec("r5", model_input="A1257", remedy="refund", clerk="Zhang Min", amount="260.00", serial=sn(5),
        override_reason="receipt shows 260 (bundle with cable)", at=at(DAY1, 13, 30))
    rec("r6", model_input="A1689", remedy="refund", clerk="Zhang Min", amount="199.00", serial=sn(6), at=at(DAY1, 14, 0))
    rec("r7", model_input="A1257", remedy="voucher", clerk="Li Na", amount="149.00", serial=sn(1),
        override_reason="customer returned two units, same serial printed twice", at=at(DAY1, 15, 20))
    rec("r8", model_input="PAC20-392", batch="M14-Q6", remedy="replacement", clerk="Wang Wei", condition="burnt",
        notes="unit warm to touch, isolated in bin 2", at=at(DAY1, 16, 45))
    returns.void(t["r6"], reason="entered on the wrong model", by="Manager Zhao")
    # day 2
    rec("r9", model_input="A1681", remedy="refund", clerk="Li Na", amount="189.00", serial=sn(9), at=at(DAY2, 9, 30))
    rec("r10", model_input="PLT20A-152", batch="M20-P8", remedy="replacement", clerk="Zhang Min", at=at(DAY2, 10, 10))
    rec("r11", model_input="A1642", remedy="voucher", clerk="Wang Wei", amount="100.00", serial=sn(11), at=at(DAY2, 17, 55))
    return t


#: What the report of DAY1 (whole store, CNY) must say.
DAY1_TOTALS = {
    "returns": 7, "units": 7, "refunds": 3, "refund_value": {"CNY": 63800}, "replacements": 2,
    "replacement_models": {"": 1, "PAC20-372": 1}, "vouchers": 2, "voucher_value": {"CNY": 34800},
    "value": {"CNY": 98600}, "pending": 5, "hazardous": 2, "voided": 1, "voided_value": {"CNY": 19900},
}
DAY1_BY_CLERK = {
    "Li Na": {"returns": 3, "refund_value": {"CNY": 37800}, "overrides": 1, "voids": 0},
    "Wang Wei": {"returns": 3, "refund_value": {}, "overrides": 0, "voids": 0},
    "Zhang Min": {"returns": 1, "refund_value": {"CNY": 26000}, "overrides": 1, "voids": 1},
}
#: Non-voided returns of both days by model and remedy: (count, amount in fen).
BOTH_DAYS_BY_MODEL_REMEDY = {
    ("A1257", "refund"): (2, 40900), ("A1257", "voucher"): (1, 14900), ("A1647", "refund"): (1, 22900),
    ("PAC20-272", "replacement"): (1, 0), ("A1652", "voucher"): (1, 19900), ("PAC20-392", "replacement"): (1, 0),
    ("A1681", "refund"): (1, 18900), ("PLT20A-152", "replacement"): (1, 0), ("A1642", "voucher"): (1, 10000),
}
