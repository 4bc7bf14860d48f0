"""`tracker inbox` for a person and for scripts: one line a message (with its problem under
it), one message in full (`inbox show`), and the same as JSON; every problem said in the
reader's language (tracker.inbox.problems keeps them in each)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from tracker.inbox.problems import shown
from tracker.plan.model import Plan
from tracker.timefmt import iso_utc
from tracker.wording import say

FIGURES_SHOWN = 4
"""Count columns a one-line form summary names (the rest are in `inbox show`)."""


def _unit_name(plan: Plan, unit: str | None, lang: str) -> str:
    if not unit:
        return ""
    return plan.unit_name(unit, lang)


def form_summary(plan: Plan, form: Mapping[str, Any] | None, lang: str,
                 figures: int | None = FIGURES_SHOWN) -> str:
    """`form: akmola.xlsx (Ақмола облысы; Сынып сағ. 120, …)` (the figures entered, under the
    columns' short headings in `lang`), or its refusal; '' for none."""
    if not form:
        return ""
    if form.get("problem"):
        return say(lang, "inbox.form_bad", name=form.get("name", ""))
    counts = [(k, v) for k, v in form.get("counts", {}).items() if v]
    shown_counts = counts if figures is None else counts[:figures]
    columns = plan.results_form.by_key
    text = ", ".join(f"{columns[k].short.get(lang) if k in columns else k} {v}"
                     for k, v in shown_counts)
    if len(shown_counts) < len(counts):
        text += ", …"
    media = len(form.get("media", []))
    if media:
        text += f"{', ' if text else ''}media {media}"
    return say(lang, "inbox.form", name=form.get("name", ""),
               unit=_unit_name(plan, form.get("unit"), lang), figures=text or "—")


def _numbers(items: Sequence[int]) -> str:
    from tracker.mail.compose import ranges

    return ranges(items)


def _belongs(plan: Plan, row: Mapping[str, Any], lang: str) -> str:
    if row["outbox_id"] is not None:
        how = say(lang, "inbox.answers", id=row["outbox_id"])
        mail = row.get("answers_mail")
        if mail and mail["kind"] == "reminder":
            from tracker.views.outbox import slot_words

            how += f": {slot_words(plan, mail['deadline'], mail['stage'], lang)}"
        elif mail:
            how += f": {mail['kind']}"
    elif row["matched_by"]:
        how = say(lang, "inbox.by_sender")
    else:
        return ""
    region = _unit_name(plan, row["unit_key"], lang)
    return f"{row['recipient'] or ''} {region} ({how})".replace("  ", " ").strip()


TEXT_SHOWN = 100
"""Characters of a message's new text the list shows (`inbox show` has all of it)."""


def _start(text: str) -> str:
    """The first TEXT_SHOWN characters of `text`, cut at a word, «…» when there is more."""
    if len(text) <= TEXT_SHOWN:
        return text
    cut = text[:TEXT_SHOWN].rsplit(" ", 1)[0] or text[:TEXT_SHOWN]
    return cut.rstrip(" ,;:") + "…"


def render_list(plan: Plan, rows: Sequence[Mapping[str, Any]], lang: str) -> Iterator[str]:
    """One line a message, the start of what the sender wrote and its problem under it, then
    how many are in each state."""
    for row in rows:
        state = say(lang, f"inbox.state.{row['state']}")
        kind = say(lang, f"inbox.kind.{row['kind']}") if row["kind"] else ""
        items = say(lang, "inbox.items", items=_numbers(row["items"])) if row["items"] else ""
        parts = [f"{row['id']:>6} {state:<14} {row['received_at']:%Y-%m-%d %H:%M}Z",
                 f"{row['sender'] or '—':<30}", kind, _belongs(plan, row, lang), items,
                 form_summary(plan, row["form"], lang)]
        yield "  ".join(p for p in parts if p)
        said = " ".join(row["text"].split())
        if said and row["kind"] != "bounce":
            yield f"{'':>7}«{_start(said)}»"
        problem = shown(row["problem"], lang)
        for line in problem.splitlines():
            yield f"{'':>7}— {line}"
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["state"]] = counts.get(row["state"], 0) + 1
    yield (", ".join(say(lang, "inbox.count", state=say(lang, f"inbox.state.{k}"), n=v)
                     for k, v in sorted(counts.items())) or say(lang, "inbox.empty"))


def _attachment(entry: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {"name": entry.get("name", ""), "type": entry.get("type", ""),
            "size": entry.get("size", 0), "taken": entry.get("taken", ""),
            "media_type": entry.get("media_type", ""), "digest": entry.get("digest", ""),
            "why": shown(entry.get("why"), lang) if entry.get("why") else ""}


def message_json(plan: Plan, row: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A message as `inbox --json` gives it (problems said in `lang`)."""
    form = dict(row["form"]) if row["form"] else None
    if form is not None and form.get("problem"):
        form["problem"] = shown(form["problem"], lang)
    return {
        "id": row["id"], "state": row["state"], "kind": row["kind"],
        "received_at": iso_utc(row["received_at"]), "sent_at": iso_utc(row["sent_at"]),
        "sender": row["sender"], "sender_name": row["sender_name"], "subject": row["subject"],
        "message_id": row["message_id"], "recipient": row["recipient"],
        "unit": row["unit_key"], "region": _unit_name(plan, row["unit_key"], lang) or None,
        "bodies": [b for b in (row["body_keys"] or "").split(",") if b],
        "answers": row["outbox_id"], "answers_mail": _mail_json(row.get("answers_mail")),
        "matched_by": row["matched_by"], "items": row["items"],
        "form": form, "attachments": [_attachment(a, lang) for a in row["attachments"]],
        "problem": shown(row["problem"], lang), "text": row["text"],
        "decided_by": row["decided_by"], "decided_at": iso_utc(row["decided_at"]),
        "decision_note": row["decision_note"],
    }


def _mail_json(mail: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not mail:
        return None
    return {"id": mail["id"], "kind": mail["kind"], "deadline": mail["deadline"],
            "stage": mail["stage"], "subject": mail["subject"], "sent": iso_utc(mail["sent"])}


_HEADERS = ("from", "to", "cc", "subject", "date", "message-id", "in-reply-to")


def render_message(plan: Plan, row: Mapping[str, Any], headers: Mapping[str, str],
                   lang: str) -> Iterator[str]:
    """`inbox show`: the headers, where it belongs, the new text, the files, the problem."""
    for name in _HEADERS:
        if headers.get(name):
            yield f"{name.title()}: {' '.join(headers[name].split())}"
    yield ""
    state = say(lang, f"inbox.state.{row['state']}")
    kind = say(lang, f"inbox.kind.{row['kind']}") if row["kind"] else ""
    yield f"{say(lang, 'inbox.label.state')}: {state}, {kind}"
    yield f"{say(lang, 'inbox.label.received')}: {iso_utc(row['received_at'])}"
    belongs = _belongs(plan, row, lang)
    if belongs:
        yield f"{say(lang, 'inbox.label.belongs')}: {belongs}"
    yield (say(lang, "inbox.items", items=_numbers(row["items"])) if row["items"]
           else say(lang, "inbox.no_items"))
    summary = form_summary(plan, row["form"], lang, figures=None)
    if summary:
        yield summary
    if row["decided_by"]:
        note = say(lang, "inbox.trusted") if row["decision_note"] == "trusted" \
            and row["decided_by"] == "automatic" else row["decision_note"]
        yield (f"{say(lang, 'inbox.label.decided')}: {row['decided_by']}, "
               f"{iso_utc(row['decided_at'])}{' — ' + note if note else ''}")
    yield ""
    yield f"{say(lang, 'inbox.label.text')}:"
    for line in (row["text"] or "").splitlines() or [""]:
        yield f"  {line}"
    yield ""
    yield f"{say(lang, 'inbox.label.attachments')}:"
    if not row["attachments"]:
        yield f"  {say(lang, 'inbox.label.none')}"
    for entry in row["attachments"]:
        a = _attachment(entry, lang)
        taken = say(lang, f"inbox.taken.{a['taken']}") if a["taken"] else ""
        kind_of = f", {a['media_type']}" if a["media_type"] else ""
        why = f" — {a['why']}" if a["why"] else ""
        yield f"  {a['name']} ({a['type']}, {a['size']} B{kind_of}): {taken}{why}"
    problem = shown(row["problem"], lang)
    if problem:
        yield ""
        yield f"{say(lang, 'inbox.label.problem')}:"
        for line in problem.splitlines():
            yield f"  {line}"
