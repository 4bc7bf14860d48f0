"""Typed access to one YAML mapping, with errors that name file, line and field.

Both the plan and the contacts file are checked through this, so every message has the same
shape: `plan.yaml:212: item 14: unknown body 'polce'`.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.errors import PlanError
from tracker.fieldrules import KEY_MAX, TITLE_MAX, date_problem, line_problem
from tracker.plan.model import Text
from tracker.plan.yamlsource import LineList, LineMap

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_LANG_NAMES = {"kk": "Kazakh", "ru": "Russian", "en": "English"}


class Fields:
    """One mapping of a YAML file and the words that say where it is (`item 14`)."""

    def __init__(self, source: str, mapping: Any, where: str, line: int | None = None) -> None:
        self.source = source
        self.where = where
        if not isinstance(mapping, LineMap):
            self.fail(f"expected a mapping, got {_kind(mapping)}", line)
        self.mapping: LineMap = mapping

    def fail(self, message: str, line: int | None = None) -> NoReturn:
        prefix = f"{self.where}: " if self.where else ""
        raise PlanError(self.source, line, prefix + message)

    def line(self, key: str) -> int:
        return self.mapping.line_of(key)

    def has(self, key: str) -> bool:
        return key in self.mapping and self.mapping[key] is not None

    def raw(self, key: str) -> Any:
        if key not in self.mapping or self.mapping[key] is None:
            self.fail(f"missing field '{key}'", self.mapping.line)
        return self.mapping[key]

    def only(self, *allowed: str) -> None:
        """Refuse unknown fields: a typo must not be ignored silently."""
        for key in self.mapping:
            if key not in allowed:
                self.fail(f"unknown field '{key}'", self.line(key))

    def sub(self, key: str, where: str | None = None) -> Fields:
        return Fields(self.source, self.raw(key), where or self.where, self.line(key))

    def string(self, key: str, pattern: re.Pattern[str] | None = None,
               maximum: int = TITLE_MAX) -> str:
        """One line of text, its runs of white space made one space; within `maximum`
        characters and free of control characters, which no mail, sheet or page can hold."""
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(f"'{key}' must be text, got {_kind(value)}", self.line(key))
        text = " ".join(str(value).split())
        if not text:
            self.fail(f"'{key}' is empty", self.line(key))
        problem = line_problem(text, maximum)
        if problem:
            self.fail(f"'{key}' {problem}", self.line(key))
        if pattern and not pattern.match(text):
            self.fail(f"'{key}' value '{text}' is not a valid key (use a-z, 0-9, _)",
                      self.line(key))
        return text

    def key(self, key: str) -> str:
        return self.string(key, KEY_PATTERN, KEY_MAX)

    def own_key(self, key: str, label: str) -> str:
        """A key of this mapping that names something (a milestone, a completion form): it is
        stored in the same columns as the keys of lists."""
        problem = line_problem(str(key), KEY_MAX)
        if problem or not str(key).strip():
            self.fail(f"{label} key '{str(key)[:KEY_MAX]}' {problem or 'is empty'}",
                      self.line(key))
        return str(key)

    def integer(self, key: str, minimum: int = 0, maximum: int = 1_000_000) -> int:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"'{key}' must be a whole number, got {value!r}", self.line(key))
        if value < minimum:
            self.fail(f"'{key}' must be at least {minimum}, got {value}", self.line(key))
        if value > maximum:
            self.fail(f"'{key}' must be at most {maximum:,}, got {value}", self.line(key))
        return value

    def boolean(self, key: str, default: bool) -> bool:
        if key not in self.mapping:
            return default
        value = self.mapping[key]
        if not isinstance(value, bool):
            self.fail(f"'{key}' must be true or false, got {value!r}", self.line(key))
        return value

    def date(self, key: str) -> date:
        return parse_date(self.raw(key), lambda msg: self.fail(f"'{key}': {msg}", self.line(key)))

    def clock_time(self, key: str) -> time:
        value = str(self.raw(key))
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            self.fail(f"'{key}' must be a time like 09:00, got {value!r}", self.line(key))
        return time(int(match[1]), int(match[2]))

    def timezone(self, key: str) -> str:
        name = self.string(key)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(f"unknown time zone '{name}' (use an IANA name such as Asia/Almaty)",
                      self.line(key))
        return name

    def text(self, key: str) -> Text:
        """A kk/ru/en phrase; Kazakh is the plan's own language and always required."""
        inner = self.sub(key, self.where)
        inner.only("kk", "ru", "en")
        label = "title" if key == "title" else key
        values: dict[str, str] = {}
        for lang in ("kk", "ru", "en"):
            if not inner.has(lang):
                self.fail(f"missing {_LANG_NAMES[lang]} {label} ({key}.{lang})", inner.mapping.line)
            values[lang] = inner.string(lang)
        return Text(**values)

    def sequence(self, key: str) -> LineList:
        value = self.raw(key)
        if not isinstance(value, LineList):
            self.fail(f"'{key}' must be a list, got {_kind(value)}", self.line(key))
        return value

    def keyed_list(self, name: str, label: str) -> list[tuple[str, Fields]]:
        """Entries of a list of mappings with unique `key` fields."""
        entries = self.sequence(name)
        seen: dict[str, int] = {}
        result = []
        for index, raw in enumerate(entries):
            line = entries.line_of(index)
            entry = Fields(self.source, raw, f"{label} {index + 1}", line)
            key = entry.key("key")
            entry.where = f"{label} {key}"
            if key in seen:
                entry.fail(f"{label} '{key}' listed twice (first at line {seen[key]})", line)
            seen[key] = line
            result.append((key, entry))
        if not result:
            self.fail(f"'{name}' lists nothing", self.line(name))
        return result


def parse_date(value: Any, fail: Any) -> date:
    """A YYYY-MM-DD date; `fail(message)` reports anything else."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        fail(f"'{text}' is not a date (use YYYY-MM-DD)")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        fail(f"'{text}' is not a real date")
        raise  # unreachable: fail raises
    problem = date_problem(day)
    if problem:
        fail(problem)
    return day


def _kind(value: Any) -> str:
    if isinstance(value, LineMap):
        return "a mapping"
    if isinstance(value, LineList):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"
