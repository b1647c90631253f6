"""Reading dataset files: the only module that imports yaml.

Files are composed into YAML nodes with a safe loader (the C one when libyaml is present),
then turned into plain containers that remember positions, so that every problem can be
reported as file:line:column. Nothing but plain scalars, mappings and sequences is accepted:
no Python tags, no custom tags, no aliases.

Keeping positions costs more than parsing, so files are first read by ``parse_unplaced``,
which keeps none and gives up (PositionsNeeded) on anything unusual; validation asks for a
position only when it has a problem to report, and then the file is read again by ``parse``.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ipstats._tree import Position, PositionsNeeded, UnplacedList, UnplacedMap, YList, YMap
from ipstats.errors import DatasetError, Problem

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

MAX_DEPTH = 64

_SCALAR_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def uses_libyaml() -> bool:
    """True when PyYAML's C-accelerated safe loader is in use."""
    return bool(_SafeLoader.__name__ == "CSafeLoader")


def read_bytes(path: Path) -> bytes:
    """A dataset file's bytes; a file that cannot be read is a DatasetError saying why."""
    name = str(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(name, (Problem("no such file"),)) from None
    except IsADirectoryError:
        raise DatasetError(name, (Problem("is a directory, not a YAML file"),)) from None
    except OSError as exc:
        raise DatasetError(name, (Problem(f"cannot be read: {exc.strerror}"),)) from None


def read_text(path: Path) -> str:
    """Read a dataset file as UTF-8 (a BOM is allowed); anything else is a located error."""
    return decode(read_bytes(path), str(path))


def decode(data: bytes, name: str) -> str:
    """A file's bytes as UTF-8 text (a BOM is allowed); anything else is a located error."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problem = Problem(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            line=line,
            column=column,
        )
        raise DatasetError(name, (problem,)) from None


def parse(text: str, filename: str) -> Any:
    """Parse YAML text into plain values with positions (YMap, YList, scalars)."""
    try:
        node = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise DatasetError(filename, (_yaml_problem(exc, text),)) from None
    except yaml.YAMLError as exc:
        raise DatasetError(filename, (Problem(f"is not valid YAML: {exc}"),)) from None
    except RecursionError:
        raise DatasetError(filename, (Problem("is nested too deeply to be a dataset"),)) from None
    if node is None:
        raise DatasetError(
            filename,
            (Problem("is empty (or only comments); a dataset is a mapping of sections"),),
        )
    problems: list[Problem] = []
    value = _Converter(problems).convert(node, "", 0)
    if problems:
        raise DatasetError(filename, tuple(problems))
    return value


def load_tree(path: Path) -> Any:
    """Read and parse a dataset file into positioned plain values."""
    return parse(read_text(path), str(path))


class _MemoLoader(_SafeLoader):
    """The safe loader, remembering how it resolved each plain scalar.

    A dataset repeats the same keys and codes thousands of times; resolving a scalar's tag
    runs regular expressions in Python, which is a large part of parsing. The tag depends only
    on the arguments (no path resolvers are registered), so a memo is exact.
    """

    def __init__(self, stream: bytes) -> None:
        super().__init__(stream)
        self._resolved: dict[tuple[Any, ...], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        key = (kind, value, implicit)
        try:
            return self._resolved[key]
        except KeyError:
            tag: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
            self._resolved[key] = tag
            return tag


def parse_unplaced(data: bytes) -> Any:
    """Parse a file's bytes into plain values without positions (UnplacedMap / UnplacedList).

    Raises PositionsNeeded for anything that is not plainly a valid document (a syntax error,
    a tag, an alias, a duplicate or non-text key, bytes that are not UTF-8): ``parse`` then
    reports it with its position. Values are exactly those ``parse`` gives.
    """
    if data.startswith(codecs.BOM_UTF8):  # as decode() does; libyaml then reads UTF-8
        data = data[len(codecs.BOM_UTF8) :]
    loader = _MemoLoader(data)
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError, ValueError):
        raise PositionsNeeded from None
    finally:
        loader.dispose()
    if node is None:
        raise PositionsNeeded
    # Anchors and aliases need an & or a *; only then is it worth tracking the nodes seen.
    seen: set[int] | None = set() if b"&" in data or b"*" in data else None
    return _unplaced(node, 0, seen)


_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_DECIMAL = frozenset("0123456789.")
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = {
    tag: _CONSTRUCTOR.yaml_constructors[tag] for tag in _SCALAR_TAGS if tag != _STR_TAG
}


def _unplaced(node: yaml.Node, depth: int, seen: set[int] | None) -> Any:
    """What _Converter.convert gives for the node, or PositionsNeeded where it would refuse."""
    if seen is not None:
        if id(node) in seen:
            raise PositionsNeeded
        seen.add(id(node))
    if depth > MAX_DEPTH:
        raise PositionsNeeded
    kind, tag = type(node), node.tag
    if kind is yaml.ScalarNode:
        value = node.value
        if tag == _STR_TAG:
            return value
        construct = _SCALAR_CONSTRUCTORS.get(tag)
        if construct is None:
            raise PositionsNeeded
        try:
            # the common numbers as SafeConstructor reads them, without its general path
            if tag == _INT_TAG and value.isascii() and value.isdigit() and value[0] != "0":
                return int(value)
            if tag == _FLOAT_TAG and value[:1].isdigit() and _DECIMAL.issuperset(value):
                return float(value)
            return construct(_CONSTRUCTOR, node)
        except Exception:  # whatever it is, parse() reports it with its position
            raise PositionsNeeded from None
    if kind is yaml.MappingNode and tag == _MAP_TAG:
        result = UnplacedMap()
        for key_node, value_node in node.value:
            if seen is not None:
                if id(key_node) in seen:
                    raise PositionsNeeded
                seen.add(id(key_node))
            if type(key_node) is not yaml.ScalarNode or key_node.tag != _STR_TAG:
                raise PositionsNeeded
            key = key_node.value
            if key in result or depth + 1 > MAX_DEPTH:
                raise PositionsNeeded
            result[key] = _unplaced(value_node, depth + 1, seen)
        return result
    if kind is yaml.SequenceNode and tag == _SEQ_TAG:
        return UnplacedList([_unplaced(item, depth + 1, seen) for item in node.value])
    raise PositionsNeeded


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    parts = [p for p in (exc.context, exc.problem) if p]
    message = "; ".join(parts) if parts else "is not valid YAML"
    if exc.problem and ("single document" in exc.problem or "another document" in exc.problem):
        message = "holds more than one YAML document; a dataset is a single document"
    else:
        message = f"invalid YAML: {message}"
        if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
            message += " (a tab: tabs cannot indent YAML; use spaces)"
    if mark is None:
        return Problem(message)
    return Problem(message, line=mark.line + 1, column=mark.column + 1)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


def _position(node: yaml.Node) -> Position:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Converter:
    """Turns composed nodes into YMap / YList / scalars, reporting what it refuses."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.constructor = yaml.constructor.SafeConstructor()
        self.seen: set[int] = set()

    def refuse(self, node: yaml.Node, path: str, message: str) -> None:
        line, column = _position(node)
        self.problems.append(Problem(message, path=path, line=line, column=column))

    def convert(self, node: yaml.Node, path: str, depth: int) -> Any:
        if id(node) in self.seen:
            self.refuse(node, path, "YAML anchors and aliases (&name / *name) are not supported")
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.refuse(node, path, f"nested more than {MAX_DEPTH} levels deep")
            return None
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP_TAG:
                self.refuse(node, path, f"unsupported YAML tag {node.tag!r}")
                return None
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self.refuse(node, path, f"unsupported YAML tag {node.tag!r}")
                return None
            return self.sequence(node, path, depth)
        if node.tag not in _SCALAR_TAGS:
            self.refuse(node, path, f"unsupported YAML tag {node.tag!r}; only plain values")
            return None
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.refuse(node, path, f"unreadable value {node.value!r} ({exc})")
            return None

    def mapping(self, node: yaml.MappingNode, path: str, depth: int) -> YMap:
        result = YMap(_position(node))
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.refuse(key_node, path, "YAML merge keys (<<) are not supported")
                continue
            key = self.convert(key_node, path, depth + 1)
            if not isinstance(key, str):
                self.refuse(key_node, path, f"keys must be plain names, not {key!r}")
                continue
            child = f"{path}.{key}" if path else key
            if key in result:
                first_line, _ = result.key_positions[key]
                self.refuse(
                    key_node, child, f"duplicate key {key!r} (first given on line {first_line})"
                )
                continue
            result.key_positions[key] = _position(key_node)
            result.value_positions[key] = _position(value_node)
            result[key] = self.convert(value_node, child, depth + 1)
        return result

    def sequence(self, node: yaml.SequenceNode, path: str, depth: int) -> YList:
        result = YList(_position(node))
        for index, item in enumerate(node.value):
            result.item_positions.append(_position(item))
            result.append(self.convert(item, f"{path}[{index}]", depth + 1))
        return result


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dump_records(records: Iterable[Mapping[str, Any]]) -> str:
    """Write records as a YAML sequence of mappings (for ``export --format yaml``)."""
    return yaml.safe_dump(
        [_plain(r) for r in records], allow_unicode=True, sort_keys=False, width=100
    )


def dump_document(document: Mapping[str, Any]) -> str:
    """Write one YAML document (used to write datasets, e.g. in benchmarks and tests)."""
    return yaml.safe_dump(_plain(document), allow_unicode=True, sort_keys=False, width=100)
