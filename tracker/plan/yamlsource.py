"""Read YAML while remembering the line of every key and list entry.

Error messages must name the line a person has to fix (`plan.yaml:212: item 14: ...`), and PyYAML
forgets lines once it builds Python objects.  This module composes the node tree itself and builds
dicts and lists that carry their lines.  Dates stay strings here (PyYAML would raise a bare
ValueError on 2017-04-31); the validators parse them and say where they are wrong.  A key written
twice in one mapping is an error rather than silently overwritten.

Every file read here may come from anyone, so the reading is bounded: the file's size, how deep
it nests, how many values it holds, and how many values its aliases and merge keys (`*name`,
`<<:`) build again.  An alias refers to a node composed once, but building Python objects from it
copies it at every use, so a few hundred bytes of nested aliases would otherwise build billions
of values.  Each limit refused is one line naming the file, the line and the limit.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tracker.errors import PlanError

_SURROGATE = re.compile("[\ud800-\udfff]")

MAX_YAML_BYTES = 8 * 1024 * 1024
"""Eight times a plan of 7,500 schools (bench/common.py generates one) or its contacts with one
address per school.  The values a file holds are limited apart (MAX_YAML_NODES): a big file
within this size is mostly long text, which costs little."""

MAX_YAML_DEPTH = 64
"""Nesting levels, aliases followed included; a plan nests six deep.  Deeper would also run
the conversion, which recurses, out of Python's stack."""

MAX_YAML_NODES = 400_000
"""Values (mappings, lists, scalars, keys, aliases) written in one file: three times a plan of
7,500 schools, or its contacts with three addresses per school; a file of small mappings this
many still builds within the time and memory the tools promise.  What aliases build again is
counted apart (MAX_YAML_ALIAS_NODES)."""

MAX_YAML_ALIAS_NODES = 100_000
"""Values built again through aliases and merge keys: far more than sharing a list of bodies
among a plan's items needs, far less than an alias bomb builds."""


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
        with path.open("rb") as stream:
            data = stream.read(MAX_YAML_BYTES + 1)  # no more than the limit, whatever the file
    except FileNotFoundError:
        raise PlanError.worded(source, None, "file.not_found") from None
    except OSError as exc:
        raise PlanError.worded(source, None, "file.unreadable", reason=exc.strerror) from None
    if len(data) > MAX_YAML_BYTES:
        raise _too_big(source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanError.worded(source, None, "file.not_utf8") from None
    # Universal newlines, as reading the file as text would give.
    return load_yaml_text(text.replace("\r\n", "\n").replace("\r", "\n"), source)


def _too_big(source: str) -> PlanError:
    return PlanError.worded(source, None, "file.too_big", limit=f"{MAX_YAML_BYTES:,}")


def load_yaml_text(text: str, source: str) -> Any:
    if len(text) > MAX_YAML_BYTES:  # a character is at least one byte in the file
        raise _too_big(source)
    try:
        # PyYAML's reader checks every character at once and says which one is not allowed
        # (libyaml's parser would only say that something is).
        yaml.reader.Reader(text)
    except yaml.reader.ReaderError as exc:
        where = text.count("\n", 0, exc.position) + 1
        raise PlanError.worded(source, where, "file.character",
                               char=repr(chr(exc.character))) from None
    loader = _Loader(text)
    try:
        aliases = _count_nodes(text, source)
        node = loader.get_single_node()
        if node is None:
            raise PlanError.worded(source, None, "file.empty")
        return _Builder(loader, source, aliases).convert(node, 1, False, node.start_mark.line + 1)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "YAML syntax error"
        if "maximum nesting depth" in problem:  # libyaml's own limit, above ours
            raise _too_deep(source, line) from None
        raise PlanError.worded(source, line, "file.yaml_syntax", problem=problem) from None
    except yaml.YAMLError as exc:
        raise PlanError.worded(source, None, "file.yaml", problem=exc) from None
    finally:
        loader.dispose()


def _count_nodes(text: str, source: str) -> bool:
    """Refuse a file of too many values before composing it: libyaml's parser counts them in a
    fraction of the time composing takes, and the composed nodes are what costs memory.  True
    when the file has aliases (only then can a value be built twice)."""
    counter = _Loader(text)
    try:
        nodes = 0
        aliases = False
        while counter.check_event():
            event = counter.get_event()
            if isinstance(event, yaml.NodeEvent):
                aliases = aliases or isinstance(event, yaml.AliasEvent)
                nodes += 1
                if nodes > MAX_YAML_NODES:
                    mark = event.start_mark
                    raise PlanError.worded(source, mark.line + 1 if mark else None,
                                           "file.too_many", limit=f"{MAX_YAML_NODES:,}")
        return aliases
    finally:
        counter.dispose()


def _too_deep(source: str, line: int | None) -> PlanError:
    return PlanError.worded(source, line, "file.too_deep", limit=MAX_YAML_DEPTH)


class _Builder:
    """Builds the Python values of one document, counting what it builds against the limits."""

    def __init__(self, loader: Any, source: str, aliases: bool) -> None:
        self.loader = loader
        self.source = source
        self.aliases = aliases
        self.again = 0
        """Values built from a node already built once: what aliases and merge keys cost."""
        self.built: set[int] = set()

    def count(self, node: yaml.Node, line: int, repeated: bool) -> bool:
        """Count one value; True when it (and so all below it) is built again from an alias."""
        if not self.aliases:
            return False
        if not repeated and id(node) not in self.built:
            self.built.add(id(node))
            return False
        self.again += 1
        if self.again > MAX_YAML_ALIAS_NODES:
            raise PlanError(self.source, line, "aliases or merge keys build more than the limit "
                            f"of {MAX_YAML_ALIAS_NODES:,} values again")
        return True

    def merged_pairs(self, node: yaml.MappingNode, line: int, depth: int,
                     sizes: dict[int, int]) -> int:
        """How many pairs the mapping holds once its merge keys are resolved, refused as soon as
        that passes the alias limit (PyYAML's flattening would copy them all first)."""
        if id(node) in sizes:
            return sizes[id(node)]
        if depth > MAX_YAML_DEPTH:
            raise _too_deep(self.source, line)
        own = merged = 0
        for key_node, value_node in node.value:
            if key_node.tag != "tag:yaml.org,2002:merge":
                own += 1
                continue
            subs = value_node.value if isinstance(value_node, yaml.SequenceNode) \
                else [value_node]
            for sub in subs:
                if isinstance(sub, yaml.MappingNode):  # anything else: PyYAML says what is wrong
                    merged += self.merged_pairs(sub, line, depth + 1, sizes)
            if merged > MAX_YAML_ALIAS_NODES:
                raise PlanError(self.source, line, "merge keys build more than the limit of "
                                f"{MAX_YAML_ALIAS_NODES:,} values again")
        sizes[id(node)] = own + merged
        return own + merged

    def convert(self, node: yaml.Node, depth: int, repeated: bool, at: int) -> Any:
        """`at` is the line of the innermost value not built from an alias: where the alias
        that costs too much is written (an alias's own node keeps its anchor's line)."""
        line = node.start_mark.line + 1
        if depth > MAX_YAML_DEPTH:
            raise _too_deep(self.source, at)
        repeated = self.count(node, at, repeated)
        if not repeated:
            at = line
        loader, source = self.loader, self.source
        if isinstance(node, yaml.MappingNode):
            if any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value):
                self.merged_pairs(node, at, depth, {})
            loader.flatten_mapping(node)
            mapping = LineMap()
            mapping.line = line
            mapping.key_lines = {}
            for key_node, value_node in node.value:
                key = self.convert(key_node, depth + 1, repeated, at)
                key_line = key_node.start_mark.line + 1
                if not isinstance(key, str | int | bool) or key is None:
                    raise PlanError(source, key_line, f"unsupported mapping key {key!r}")
                key = str(key)
                if key in mapping:
                    raise PlanError.worded(source, key_line, "file.key_twice", key=key)
                mapping[key] = self.convert(value_node, depth + 1, repeated,
                                            at if repeated else key_line)
                mapping.key_lines[key] = key_line
            return mapping
        if isinstance(node, yaml.SequenceNode):
            sequence = LineList()
            sequence.line = line
            sequence.item_lines = []
            for child in node.value:
                sequence.append(self.convert(child, depth + 1, repeated, at))
                sequence.item_lines.append(child.start_mark.line + 1)
            return sequence
        value = loader.construct_object(node, deep=True)
        if isinstance(value, str) and ("\x00" in value or _SURROGATE.search(value)):
            # Escapes like "\x00" or "\ud800" make text no database can store: say where it is.
            raise PlanError(source, line, "a NUL character or a lone surrogate escape (\\ud800-"
                            "\\udfff) is not allowed in text")
        return value
