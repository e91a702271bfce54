"""Time: UTC for storage, the store's zone (stdlib zoneinfo) for the business date."""

from __future__ import annotations

import datetime as dt
import functools

DEFAULT_ZONES = {"CN": "Asia/Shanghai", "US": "America/New_York", "CA": "America/Toronto", "AU": "Australia/Sydney", "JP": "Asia/Tokyo"}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def utc_now_text() -> str:
    return utc_text(utc_now())


@functools.lru_cache(maxsize=64)  # asked for every row the log shows: one lookup, no import statement
def zone(name: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: a command that needs no zone skips its import

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def business_date(moment: dt.datetime, zone_name: str) -> dt.date:
    return moment.astimezone(zone(zone_name)).date()


def parse_moment(text: str, zone_name: str) -> dt.datetime:
    """An ISO time; without an offset it is read in the store's zone. Raises ValueError."""
    value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(zone_name))
    try:  # 0001-01-01 in Shanghai is still year 0 in UTC: a time that cannot be stored
        value.astimezone(dt.timezone.utc)
        business_date(value, zone_name)
    except OverflowError:
        raise ValueError(f"time out of range: {text!r}") from None
    return value
