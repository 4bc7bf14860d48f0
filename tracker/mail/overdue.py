"""Whether an item's deadline has passed, as a reminder tells it.

A deadline is its day's end (23:59) in the recipient's own zone, so on the day itself the item
is due today, and from the next day it is overdue.  The mail is dated by its slot's local day.
One function, so that the notion can later be the same as the status grid's.
"""

from __future__ import annotations

from datetime import date


def days_overdue(due: date, today: date) -> int:
    """Whole days since the deadline's day ended; 0 while it has not passed."""
    return max((today - due).days, 0)
