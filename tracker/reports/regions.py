"""The region a command-line argument of `tracker report` names.

The reading itself (key, Russian, Kazakh or English name, case and spacing ignored) is
`tracker.plan.regionnames`, the same for the command line and the imported forms; anything
else is refused with the list of keys, never guessed.
"""

from __future__ import annotations

from tracker.errors import UserError
from tracker.plan.model import Plan
from tracker.plan.regionnames import find_region


def require_region(text: str, plan: Plan, lang: str = "en") -> str:
    """The key of the region a command-line argument names; a UserError otherwise."""
    key = find_region(text, plan)
    if key is None:
        from tracker.wording import say

        raise UserError(say(lang, "error.unknown_region", value=text,
                            keys=", ".join(r.key for r in plan.regions)))
    return key
