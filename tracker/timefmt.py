"""Writing moments for machines (UTC ISO-8601) and for people (their own zone)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def iso_utc(moment: datetime | None) -> str | None:
    """`2017-04-12T04:00:00Z`, or None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local(moment: datetime, timezone: str) -> str:
    """A moment as a reader in `timezone` writes it: `2017-04-12 10:00 (+06)`."""
    value = moment.astimezone(ZoneInfo(timezone))
    offset = value.strftime("%z")
    return value.strftime("%Y-%m-%d %H:%M") + f" ({offset[:3]})"
