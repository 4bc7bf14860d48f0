"""Read YAML while remembering the line of every key and list entry.

Error messages must name the line a person has to fix (`plan.yaml:212: item 14: ...`), and PyYAML
forgets lines once it builds Python objects.  This module composes the node tree itself and builds
dicts and lists that carry their lines.  Dates stay strings here (PyYAML would raise a bare
ValueError on 2017-04-31); the validators parse them and say where they are wrong.  A key written
twice in one mapping is an error rather than silently overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tracker.errors import PlanError

_SURROGATE = re.compile("[\ud800-\udfff]")


_SafeBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (the wheels are): PyYAML's pure-Python parser
is several times slower on a plan of thousands of schools.  The nodes, their lines and the
constructors are the same either way."""


class _Loader(_SafeBase):  # type: ignore[misc]
    """SafeLoader without the implicit timestamp type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LineMap(dict[str, Any]):
    """A mapping that knows its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that knows its own line and the line of each entry."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def load_yaml(path: Path, label: str | None = None) -> Any:
    """Parse a YAML file into LineMap/LineList/scalars; any problem is a PlanError."""
    source = label or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(source, None, "file not found") from None
    except UnicodeDecodeError:
        raise PlanError(source, None, "not UTF-8 text") from None
    except OSError as exc:
        raise PlanError(source, None, f"cannot read: {exc.strerror}") from None
    return load_yaml_text(text, source)


def load_yaml_text(text: str, source: str) -> Any:
    try:
        # PyYAML's reader checks every character at once and says which one is not allowed
        # (libyaml's parser would only say that something is).
        yaml.reader.Reader(text)
    except yaml.reader.ReaderError as exc:
        where = text.count("\n", 0, exc.position) + 1
        raise PlanError(source, where, f"character {chr(exc.character)!r} is not allowed "
                        "in YAML") from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise PlanError(source, None, "the file is empty")
        return _convert(loader, node, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "YAML syntax error"
        raise PlanError(source, line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise PlanError(source, None, f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def _convert(loader: _Loader, node: yaml.Node, source: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        mapping = LineMap()
        mapping.line = line
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(loader, key_node, source)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str | int | bool) or key is None:
                raise PlanError(source, key_line, f"unsupported mapping key {key!r}")
            key = str(key)
            if key in mapping:
                raise PlanError(source, key_line, f"key '{key}' written twice")
            mapping[key] = _convert(loader, value_node, source)
            mapping.key_lines[key] = key_line
        return mapping
    if isinstance(node, yaml.SequenceNode):
        sequence = LineList()
        sequence.line = line
        sequence.item_lines = []
        for child in node.value:
            sequence.append(_convert(loader, child, source))
            sequence.item_lines.append(child.start_mark.line + 1)
        return sequence
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str) and ("\x00" in value or _SURROGATE.search(value)):
        # Escapes like "\x00" or "\ud800" make text no database can store: say where it is.
        raise PlanError(source, line, "a NUL character or a lone surrogate escape (\\ud800-"
                        "\\udfff) is not allowed in text")
    return value
