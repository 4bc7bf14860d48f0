"""What is wrong with a received message, kept in every language staff read.

A message is handled by a fetcher that does not know who will review it, so a problem is kept
as its text in Kazakh, Russian and English (a JSON object in `inbox_message.problem`, and
inside the form and attachment entries); the views say it in the reader's language.  A problem
written by another part as plain text is shown as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tracker.wording import say

LANGS = ("kk", "ru", "en")
Worded = dict[str, str]
"""One problem: language → its text."""


def worded(key: str, /, **values: object) -> Worded:
    """The phrase `key` of tracker.wording in every language."""
    return {lang: say(lang, key, **values) for lang in LANGS}


def each_language(say_in: Callable[[str], str]) -> Worded:
    """A text produced per language by `say_in` (an importer's message, read once a language)."""
    return {lang: say_in(lang) for lang in LANGS}


def stored(problems: Sequence[Worded]) -> str:
    """The column's text for `problems` ('' when there are none)."""
    if not problems:
        return ""
    return json.dumps({lang: "\n".join(p[lang] for p in problems) for lang in LANGS},
                      ensure_ascii=False)


def shown(value: Any, lang: str) -> str:
    """A problem as the reader reads it: a worded one in `lang`, plain text as it is."""
    if isinstance(value, str):
        if not value.startswith("{"):
            return value
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("kk") or next(iter(value.values()), ""))
    return "" if value is None else str(value)
