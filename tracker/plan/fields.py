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
from tracker.fieldrules import (
    EARLIEST_DATE,
    KEY_MAX,
    LATEST_DATE,
    TITLE_MAX,
    date_problem,
    line_problem,
)
from tracker.plan.model import Text
from tracker.plan.yamlsource import LineList, LineMap
from tracker.wording import Phrase

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_LANGUAGES = {lang: Phrase(f"language.{lang}") for lang in ("kk", "ru", "en")}

Where = str | Phrase
"""Where in the file: a YAML path (`campaign.approved`, the same in every language) or a
phrase of `tracker.wording` (`item 14`, said in the reader's language)."""


class Fields:
    """One mapping of a YAML file and the words that say where it is (`item 14`)."""

    def __init__(self, source: str, mapping: Any, where: Where, line: int | None = None) -> None:
        self.source = source
        self.where = where
        if not isinstance(mapping, LineMap):
            self.fail(Phrase("file.mapping", kind=_kind(mapping)), line)
        self.mapping: LineMap = mapping

    def fail(self, problem: str | Phrase, line: int | None = None) -> NoReturn:
        """Refuse the file: `problem` is a phrase (said in the reader's language) or, for the
        rarer problems, English text."""
        if self.where:
            problem = Phrase("file.where", where=self.where, problem=problem)
        if isinstance(problem, Phrase):
            raise PlanError.worded(self.source, line, problem.key, **problem.values)
        raise PlanError(self.source, line, problem)

    def line(self, key: str) -> int:
        return self.mapping.line_of(key)

    def has(self, key: str) -> bool:
        return key in self.mapping and self.mapping[key] is not None

    def raw(self, key: str) -> Any:
        if key not in self.mapping or self.mapping[key] is None:
            self.fail(Phrase("file.missing_field", field=key), self.mapping.line)
        return self.mapping[key]

    def only(self, *allowed: str) -> None:
        """Refuse unknown fields: a typo must not be ignored silently."""
        for key in self.mapping:
            if key not in allowed:
                self.fail(Phrase("file.unknown_field", field=key), self.line(key))

    def sub(self, key: str, where: Where | None = None) -> Fields:
        return Fields(self.source, self.raw(key), where or self.where, self.line(key))

    def string(self, key: str, pattern: re.Pattern[str] | None = None,
               maximum: int = TITLE_MAX) -> str:
        """One line of text, its runs of white space made one space; within `maximum`
        characters and free of control characters, which no mail, sheet or page can hold."""
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(Phrase("file.not_text", field=key, kind=_kind(value)), self.line(key))
        text = " ".join(str(value).split())
        if not text:
            self.fail(Phrase("file.blank", field=key), self.line(key))
        problem = line_problem(text, maximum)
        if problem:
            self.fail(Phrase("file.line", field=key, problem=problem), self.line(key))
        if pattern and not pattern.match(text):
            self.fail(Phrase("file.bad_key", field=key, value=text), self.line(key))
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
            self.fail(Phrase("file.not_whole", field=key, value=repr(value)), self.line(key))
        if value < minimum:
            self.fail(Phrase("file.below", field=key, limit=minimum, value=value), self.line(key))
        if value > maximum:
            self.fail(Phrase("file.above", field=key, limit=f"{maximum:,}", value=value),
                      self.line(key))
        return value

    def boolean(self, key: str, default: bool) -> bool:
        if key not in self.mapping:
            return default
        value = self.mapping[key]
        if not isinstance(value, bool):
            self.fail(Phrase("file.not_boolean", field=key, value=repr(value)), self.line(key))
        return value

    def date(self, key: str) -> date:
        return parse_date(self.raw(key), lambda problem: self.fail(
            Phrase("file.field", field=key, problem=problem), self.line(key)))

    def clock_time(self, key: str) -> time:
        value = str(self.raw(key))
        match = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            self.fail(Phrase("file.not_time", field=key, value=repr(value)), self.line(key))
        return time(int(match[1]), int(match[2]))

    def timezone(self, key: str) -> str:
        name = self.string(key)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(Phrase("file.zone", value=name), self.line(key))
        return name

    def text(self, key: str) -> Text:
        """A kk/ru/en phrase; Kazakh is the plan's own language and always required."""
        inner = self.sub(key, self.where)
        inner.only("kk", "ru", "en")
        label = "title" if key == "title" else key
        values: dict[str, str] = {}
        for lang in ("kk", "ru", "en"):
            if not inner.has(lang):
                self.fail(Phrase("file.missing_text", label=label, path=f"{key}.{lang}",
                                 language=_LANGUAGES[lang]), inner.mapping.line)
            values[lang] = inner.string(lang)
        return Text(**values)

    def sequence(self, key: str) -> LineList:
        value = self.raw(key)
        if not isinstance(value, LineList):
            self.fail(Phrase("file.not_list", field=key, kind=_kind(value)), self.line(key))
        return value

    def keyed_list(self, name: str, label: str) -> list[tuple[str, Fields]]:
        """Entries of a list of mappings with unique `key` fields; `label` names an entry in
        English and, as `where.{label}`, in the wording table."""
        entries = self.sequence(name)
        seen: dict[str, int] = {}
        result = []
        for index, raw in enumerate(entries):
            line = entries.line_of(index)
            entry = Fields(self.source, raw, Phrase(f"where.{label}", key=index + 1), line)
            key = entry.key("key")
            entry.where = Phrase(f"where.{label}", key=key)
            if key in seen:
                entry.fail(Phrase("file.twice", label=label, key=key, line=seen[key]), line)
            seen[key] = line
            result.append((key, entry))
        if not result:
            self.fail(Phrase("file.nothing_listed", field=name), self.line(name))
        return result


def parse_date(value: Any, fail: Any) -> date:
    """A YYYY-MM-DD date; `fail(problem)` reports anything else (a `Phrase`)."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        fail(Phrase("file.not_date", value=text))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        fail(Phrase("file.no_such_date", value=text))
        raise  # unreachable: fail raises
    if date_problem(day):
        fail(Phrase("file.date_range", value=day.isoformat(), first=EARLIEST_DATE.year,
                    last=LATEST_DATE.year))
    return day


def _kind(value: Any) -> str | Phrase:
    if isinstance(value, LineMap):
        return Phrase("kind.mapping")
    if isinstance(value, LineList):
        return Phrase("kind.list")
    if value is None:
        return Phrase("kind.nothing")
    return f"{type(value).__name__} {value!r}"
