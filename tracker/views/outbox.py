"""`tracker outbox` for a person: one line a row, in the language chosen with --lang, and the
words for a reminder's deadline and stage that the other reminder listings share."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from tracker.plan.model import Plan
from tracker.wording import WORDS


def stage_words(stage: str, lang: str) -> str:
    """A stage's key as a reader says it: `3d_before` «за 3 дн.», `overdue_2` «после срока,
    напоминание № 2» (English keeps the key)."""
    from tracker.wording import say

    number = stage.split("_")[-1] if stage.startswith("overdue_") else stage.split("d_", 1)[0]
    if not number.isdigit():
        return stage
    if stage.startswith("overdue_"):
        return say(lang, "stage.overdue", n=number)
    return say(lang, "stage.today" if number == "0" else "stage.before", n=number)


def slot_words(plan: Plan, deadline: str, stage: str, lang: str) -> str:
    """`window_end/3d_before` in English; the milestone's name and the stage in kk and ru."""
    if lang == "en":
        return f"{deadline}/{stage}"
    milestone = plan.milestones.get(deadline)
    name = milestone.name.get(lang) if milestone else deadline
    return f"{name}, {stage_words(stage, lang)}"


def render_outbox(plan: Plan, rows: Sequence[dict[str, Any]], lang: str) -> Iterator[str]:
    """`tracker outbox`: one line a row, then how many rows are in each state."""
    from tracker.wording import say

    states = {row["state"]: say(lang, f"outbox.{row['state']}")
              if f"outbox.{row['state']}" in WORDS else row["state"] for row in rows}
    bounced = say(lang, "bounce.state")
    width = max(12, *(len(s) + 1 for s in [*states.values(), bounced])) if rows else 12
    for row in rows:
        problem = f"  — {row['last_error']}" if row["last_error"] else ""
        late = say(lang, "outbox.late") if row["late"] else ""
        shown = bounced if row.get("bounced") else states[row["state"]]
        yield (f"{row['id']:>6} {shown:<{width}} "
               f"{row['send_at']:%Y-%m-%d %H:%M}Z {row['recipient']:<34} "
               f"{slot_words(plan, row['deadline'], row['stage'], lang)}{late}  "
               f"{say(lang, 'outbox.tries', n=row['attempts'])}{problem}")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    yield (", ".join(say(lang, "outbox.count", state=states[k], n=v)
                     for k, v in sorted(counts.items())) or say(lang, "outbox.empty"))
