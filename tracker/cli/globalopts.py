"""The global options (`--db`, `--now`, `--lang`) written after the command, moved before it.

People type `tracker status --now 2017-04-20T12:00+06:00` as naturally as the documented
`tracker --now ... status`; click only knows a group's options before its subcommand's name.
So the command line is rewritten once, before click parses it: a global option found among a
command's arguments moves, with its value, to just before the command's name, where click reads
it after any given before it (the last one wins: the option after the command).

The command tree is walked as click will walk it, so a value is never taken for an option: an
option of the command that takes a value keeps its next word (`--note --now` is a note), a
command's own option of the same name stays the command's (`final-report --lang`), and nothing
after `--` is touched.
"""

from __future__ import annotations

import click

GLOBAL_OPTIONS = ("--db", "--now", "--lang")


def _global_name(word: str) -> str | None:
    """The global option `word` is (`--now` or `--now=...`), if any."""
    name = word.split("=", 1)[0]
    return name if name in GLOBAL_OPTIONS else None


def _value_options(command: click.Command) -> dict[str, int]:
    """The command's option names that take values, with how many words each takes."""
    taking: dict[str, int] = {}
    for param in command.params:
        if isinstance(param, click.Option) and not param.is_flag and not param.count:
            for name in param.opts:
                taking[name] = max(param.nargs, 1)
    return taking


def _own_options(command: click.Command) -> set[str]:
    return {name for param in command.params if isinstance(param, click.Option)
            for name in (*param.opts, *param.secondary_opts)}


def _command_start(group: click.Group, args: list[str]) -> int:
    """Where the subcommand's name is in `args` (len(args) when there is none)."""
    taking = _value_options(group)
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":
            return index + 1
        if not word.startswith("-") or word == "-":
            return index
        index += 1 + (taking.get(word, 0) if "=" not in word else 0)
    return index


def hoist_global_options(group: click.Group, ctx: click.Context, args: list[str]) -> list[str]:
    """`args` with the global options found after the command moved to just before it."""
    start = _command_start(group, args)
    if start >= len(args) or args[start - 1:start] == ["--"]:
        return args
    command: click.Command | None = group.get_command(ctx, args[start])
    moved: list[str] = []
    kept: list[str] = []
    index = start + 1
    while index < len(args) and command is not None:
        word = args[index]
        if word == "--":
            break
        own = _own_options(command)
        name = _global_name(word)
        if name is not None and name not in own:
            width = 1 if "=" in word else 2
            if index + width > len(args):
                raise click.UsageError(f"option '{name}' requires an argument", ctx)
            moved += args[index:index + width]
            index += width
            continue
        if word.startswith("-") and word != "-":
            taking = _value_options(command)
            width = 1 + (taking.get(word, 0) if "=" not in word else 0)
        else:
            width = 1
            if isinstance(command, click.Group):  # a subcommand's name, or an argument
                command = command.get_command(ctx, word) or command
        kept += args[index:index + width]
        index += width
    if not moved:
        return args
    return [*args[:start], *moved, args[start], *kept, *args[index:]]
