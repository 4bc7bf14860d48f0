"""The digest for readers who are not in a mail program: JSON for scripts (`digest --json`)
and a terminal table (rich): completion by region, what is late, reports, problems."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from io import StringIO
from typing import Any

from tracker.digest.data import Digest
from tracker.digest.render import context
from tracker.timefmt import iso_utc
from tracker.views.jsontext import compact


def render_text(digest: Digest, lang: str, width: int = 110, color: bool = False) -> str:
    from rich.console import Console
    from rich.table import Table

    view_lang = lang if lang in ("kk", "ru") else "ru"
    ctx = context(digest, view_lang)
    out = StringIO()
    console = Console(file=out, width=width, force_terminal=color, color_system="auto"
                      if color else None, highlight=False)
    ru = view_lang == "ru"
    console.print(f"[bold]{ctx['campaign'][view_lang]}[/bold] — {ctx['as_of_local']}")
    console.print(f"{'Выполнено в целом' if ru else 'Жалпы орындалуы'}: "
                  f"[bold]{ctx['overall_pct']}%[/bold]\n")
    table = Table(title="Регионы" if ru else "Өңірлер", title_justify="left")
    table.add_column("Регион" if ru else "Өңір")
    table.add_column("%", justify="right")
    table.add_column("✓", justify="right")
    table.add_column("", no_wrap=True)
    for unit in ctx["units"]:
        bar = "█" * (unit["pct"] // 5) + "░" * (20 - unit["pct"] // 5)
        table.add_row(unit["name"][view_lang], str(unit["pct"]), f"{unit['done']}/{unit['total']}",
                      bar)
    console.print(table)
    console.print(f"\n[bold]{'Просрочено' if ru else 'Мерзімі өткен'}[/bold] "
                  f"(◐ {'частично' if ru else 'ішінара'})")
    if not ctx["overdue"]:
        console.print("  —")
    for group in ctx["overdue"]:
        numbers = ", ".join(f"{r['number']}{'◐' if r['partial'] else ''}" for r in group["rows"])
        console.print(f"  {group['name'][view_lang]}: {numbers}")
    missing = ", ".join(m[view_lang] for m in ctx["missing_reports"]) or "—"
    console.print(f"\n[bold]{'Нет отчёта об итогах' if ru else 'Есебі жоқ'}:[/bold] {missing}")
    totals = ", ".join(f"{row['short'][view_lang]} {row['value']}" for row in ctx["totals"])
    console.print(f"\n[bold]{'Итоги' if ru else 'Жиынтық'}:[/bold] {totals}")
    console.print(f"\n[bold]{'Изменения' if ru else 'Өзгерістер'}:[/bold] {len(ctx['changes'])}")
    for change in ctx["changes"][-15:]:
        console.print(f"  {change['when']}  {change['text'][view_lang]}")
    problems = ctx["problems"]
    failed, unsure = ("не доставлено", "неизвестно") if ru else ("жіберілмеді", "белгісіз")
    console.print(f"\n[bold]{'Письма' if ru else 'Хаттар'}:[/bold] {failed} {problems['failed']}, "
                  f"{unsure} {problems['uncertain']}")
    if ctx["bounced"]["n"]:
        from tracker.wording import say

        console.print("  " + say(view_lang, "bounce.digest", n=ctx["bounced"]["n"],
                                 addresses=", ".join(ctx["bounced"]["addresses"])),
                      markup=False)
    if ctx["inbox_held"]:
        from tracker.wording import say

        console.print("  " + say(view_lang, "inbox.digest_held", n=ctx["inbox_held"]),
                      markup=False)
    return out.getvalue()


def _json_fields(digest: Digest) -> dict[str, Any]:
    """The digest's JSON but for "overdue", which `digest_json_text` writes per run."""
    moments: dict[datetime, str | None] = {}
    for change in digest.changes:
        if change["at"] not in moments:
            moments[change["at"]] = iso_utc(change["at"])
    return {
        "as_of": iso_utc(digest.as_of),
        "since": iso_utc(digest.since),
        "completion": {
            "overall": digest.overall,
            "by_unit": digest.by_unit,
            "by_item": {str(k): v for k, v in digest.by_item.items()},
        },
        "overdue": None,
        "missing_reports": digest.missing_reports,
        "totals": {c.key: digest.totals.figure(c) for c in digest.plan.results_form.totalled},
        "changes": [{**c, "at": moments[c["at"]]} for c in digest.changes],
        "problems": digest.problems,
        "bounced": [{"id": b.id, "recipient": b.recipient, "unit": b.unit,
                     "at": iso_utc(b.at), "diagnostic": b.diagnostic} for b in digest.bounced],
        "inbox_held": digest.inbox_held,
    }


def digest_json_text(digest: Digest) -> Iterator[str]:
    """The JSON text of `digest --json`, in pieces.

    The overdue cells are most of it at school scale; like the status cells they are written
    per run, one `str.join` of the units between the texts of the run's item and bodies.
    """
    units = {u.unit: compact(u.unit) for u in digest.grid.units}
    opening = "{"
    for key, value in _json_fields(digest).items():
        yield f"{opening}{compact(key)}:"
        opening = ","
        if key != "overdue":
            yield compact(value)
            continue
        yield "["
        comma = ""
        for run in digest.overdue:
            head = f'{{"item":{compact(run.item)},"unit":'
            tail = f',"bodies":{compact(list(run.bodies))}}}'
            yield comma + head + (tail + "," + head).join(map(units.__getitem__, run.units)) + tail
            comma = ","
        yield "]"
    yield "}"
