"""The digest in a terminal (rich): completion by region, what is late, reports, problems."""

from __future__ import annotations

from io import StringIO

from tracker.digest.data import Digest
from tracker.digest.render import context
from tracker.reports.fields import SHORT_LABELS


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
    console.print(f"\n[bold]{'Просрочено' if ru else 'Мерзімі өткен'}[/bold]")
    if not ctx["overdue"]:
        console.print("  —")
    for group in ctx["overdue"]:
        numbers = ", ".join(str(r["number"]) for r in group["rows"])
        console.print(f"  {group['name'][view_lang]}: {numbers}")
    missing = ", ".join(m[view_lang] for m in ctx["missing_reports"]) or "—"
    console.print(f"\n[bold]{'Нет отчёта об итогах' if ru else 'Есебі жоқ'}:[/bold] {missing}")
    totals = ", ".join(f"{SHORT_LABELS[view_lang][row['key']]} {row['value']}"
                       for row in ctx["totals"])
    console.print(f"\n[bold]{'Итоги' if ru else 'Жиынтық'}:[/bold] {totals}")
    console.print(f"\n[bold]{'Изменения' if ru else 'Өзгерістер'}:[/bold] {len(ctx['changes'])}")
    for change in ctx["changes"][-15:]:
        console.print(f"  {change['when']}  {change['text'][view_lang]}")
    problems = ctx["problems"]
    failed, unsure = ("не доставлено", "неизвестно") if ru else ("жіберілмеді", "белгісіз")
    console.print(f"\n[bold]{'Письма' if ru else 'Хаттар'}:[/bold] {failed} {problems['failed']}, "
                  f"{unsure} {problems['uncertain']}")
    return out.getvalue()
