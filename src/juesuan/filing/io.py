"""Reading and writing filings as YAML or JSON, with Decimal amounts and line numbers.

This is the imperative shell around the model: it touches files. Every way a file
can be unreadable becomes a :class:`FilingReadError` holding Chinese messages that
name the file, the line or field path, and what was expected. No traceback reaches
the user, and nothing is written when reading failed.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from juesuan.filing.model import Filing
from juesuan.limits import (
    MAX_FILING_BYTES,
    MAX_FILING_NODES,
    MAX_NESTING_DEPTH,
    MAX_NUMBER_CHARS,
    MAX_READ_PROBLEMS,
)
from juesuan.money import AmountError, in_core_context, number_problem, printable

try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the pure-Python reader reads everything
    _WITH_LIBYAML = False
else:
    _WITH_LIBYAML = True

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One reason a filing could not be read."""

    message: str
    path: str | None = None  # field path such as expenditure[3].basic
    line: int | None = None
    expected: str | None = None
    found: str | None = None


@dataclass
class FilingReadError(Exception):
    file: str
    problems: list[Problem]

    def __str__(self) -> str:
        return "\n".join(format_problem(self.file, p) for p in self.problems)


def format_problem(file: str, problem: Problem) -> str:
    where = file
    if problem.line is not None:
        where += f":{problem.line}"
    if problem.path:
        where += f" [{problem.path}]"
    text = f"{where}: {problem.message}"
    if problem.expected:
        text += f"；应为：{problem.expected}"
    if problem.found is not None:
        text += f"；实际：{problem.found}"
    return text


@dataclass(frozen=True)
class SourceMap:
    """Line numbers (1-based) of the values in a YAML file, by field path."""

    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of_text(self, path: str) -> int | None:
        """Line of a field path written as text, e.g. ``expenditure[3].basic``."""
        return self.line_of(parse_path(path))

    def line_of(self, path: PathKey) -> int | None:
        # Fall back to the nearest enclosing element that has a line.
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


@dataclass(frozen=True)
class LoadedFiling:
    filing: Filing
    file: str
    source_map: SourceMap


_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_path(text: str) -> PathKey:
    """Inverse of :func:`path_text`: ``a[1].b`` → ("a", 1, "b")."""
    parts: list[str | int] = []
    for index, name in _PATH_PART.findall(text):
        parts.append(int(index) if index else name)
    return tuple(parts)


def path_text(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- YAML with Decimal ---------------------------------------------------------


@dataclass(frozen=True)
class _LongNumber:
    """A number written with more than MAX_NUMBER_CHARS characters: never converted
    (Python refuses integers of more than 4,300 digits; 0x… has no such limit)."""

    text: str


class _LimitError(yaml.MarkedYAMLError):
    """A bound of the reader exceeded while composing; the problem text is Chinese."""


class _BoundedComposer(yaml.composer.Composer):
    """Composer that refuses explicit tags, deep nesting and more values than a filing has
    (aliases expanded). Mixed into the pure-Python loader and into the one composing libyaml's
    events, so that both refuse the same things at the same event."""

    depth: int
    values: int  # values composed so far, every alias counted with what it repeats
    sizes: dict[int, int]  # id(node) -> values in it, for aliases

    def _start_bounds(self) -> None:
        self.depth = 0
        self.values = 0
        self.sizes = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[attr-defined]  # of the parser mixed in
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            self.values += self.sizes.get(id(node), 1)
            self._count(event.start_mark)
            return node
        tag = getattr(event, "tag", None)
        if tag is not None:
            # !!bool, !!binary, !!python/…, !foo: a filing needs none, and their
            # constructors fail in ways of their own.
            shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag
            raise _LimitError(None, None, f"不支持的 YAML 标签“{printable(shown, 40)}”",
                              event.start_mark)
        self.depth += 1
        if self.depth > MAX_NESTING_DEPTH:
            raise _LimitError(None, None, f"嵌套层次过深（超过 {MAX_NESTING_DEPTH} 层）",
                              event.start_mark)
        start = self.values
        self.values += 1
        self._count(event.start_mark)
        node = super().compose_node(parent, index)
        self.depth -= 1
        self.sizes[id(node)] = self.values - start
        return node

    def _count(self, mark: Any) -> None:
        if self.values > MAX_FILING_NODES:
            raise _LimitError(None, None, f"文件中的数据项过多（别名 *… 展开后超过 {MAX_FILING_NODES:,} 项）",
                              mark)


class _Constructor(yaml.constructor.SafeConstructor):
    """SafeConstructor that builds Decimal for floats, strings for dates and refuses
    duplicate keys (the constructors are added below)."""


class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _BoundedComposer,
              _Constructor, yaml.resolver.Resolver):
    """The pure-Python reader: the reference for every message and line number."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _BoundedComposer.__init__(self)
        _Constructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._start_bounds()


if _WITH_LIBYAML:

    class _CLoader(_CParser, _Constructor, yaml.resolver.Resolver):
        """libyaml scans, parses and composes in C; the same constructors and resolver."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _Constructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        if not yaml.resolver.Resolver.yaml_path_resolvers:
            # Called by the C composer for every node; without path resolvers (none is ever
            # added) Resolver's own return at once, a Python call each all the same.
            def descend_resolver(self, current_node: Any, current_index: Any) -> None:
                pass

            def ascend_resolver(self) -> None:
                pass

    class _CEventLoader(_BoundedComposer, _CParser, _Constructor, yaml.resolver.Resolver):
        """libyaml scans and parses in C; composed in Python with the bounds of _Loader.
        For text where a tag may be written: C composition resolves tags, so an explicit
        ``!!int 1`` would look like a plain 1 there."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _BoundedComposer.__init__(self)
            _Constructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self._start_bounds()


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str | _LongNumber:
    text = str(loader.construct_scalar(node)).replace("_", "")
    if len(text) > MAX_NUMBER_CHARS:
        return _LongNumber(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text  # .inf, .nan, 1:30 (sexagesimal): left for validation to refuse
    return value if value.is_finite() else text


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | _LongNumber:
    text = str(loader.construct_scalar(node))
    if len(text) > MAX_NUMBER_CHARS:
        return _LongNumber(text)
    value: int = yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    return value


def _construct_str(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):
            raise yaml.constructor.ConstructorError(
                None, None, "found unhashable key", key_node.start_mark
            )
        if key in result:
            raise DuplicateKeyError(
                None, None, f"重复的键“{printable(str(key), 40)}”（后一个会覆盖前一个）",
                key_node.start_mark,
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Constructor.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Constructor.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)
# "=" and "<<" as plain values resolve to these tags, which SafeLoader cannot construct.
_Constructor.add_constructor("tag:yaml.org,2002:value", _construct_str)
_Constructor.add_constructor("tag:yaml.org,2002:merge", _construct_str)
_Constructor.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _walk_lines(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], seen: set[int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:
        return  # an alias: walked where its anchor is (nested aliases would explode)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                continue
            child = (*path, key)
            lines[child] = key_node.start_mark.line + 1
            _walk_lines(value_node, child, lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk_lines(item, (*path, index), lines, seen)


def parse_yaml(text: str) -> tuple[Any, SourceMap]:
    """Parse YAML into plain data with Decimal numbers; raise yaml.YAMLError.

    libyaml's C parser reads the text when it can (several times faster than PyYAML's pure
    Python); the pure-Python reader is the reference and reads whatever the C path does not
    accept as it stands, so messages and line numbers are always PyYAML's (see
    :func:`_parse_yaml_c`). ``tests/test_yaml_c_parity.py`` checks that both give the same."""
    if _WITH_LIBYAML:
        result = _parse_yaml_c(text)
        if result is not None:
            return result
    return _parse_yaml_pure(text)


def _parse_yaml_pure(text: str) -> tuple[Any, SourceMap]:
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except (ValueError, OverflowError) as exc:
            # PyYAML's scanner decodes escapes with chr(): "\U00110000" raises ValueError there.
            raise yaml.MarkedYAMLError(problem=f"含有无效的转义字符（{type(exc).__name__}）",
                                       problem_mark=loader.get_mark()) from None
        return _construct(loader, node)
    finally:
        loader.dispose()


def _construct(loader: yaml.constructor.BaseConstructor, node: yaml.Node | None) -> tuple[Any, SourceMap]:
    if node is None:
        return None, SourceMap()
    lines: dict[PathKey, int] = {}
    _walk_lines(node, (), lines, set())
    return loader.construct_document(node), SourceMap(lines)


def _parse_yaml_c(text: str) -> tuple[Any, SourceMap] | None:
    """The same data and line map as :func:`_parse_yaml_pure`, read by libyaml; None where
    the pure-Python reader must read the text instead. That is:

    * any error at all (syntax, a bound, a duplicate key, a character libyaml refuses, a
      lone surrogate it cannot encode): the message and its line are PyYAML's, whose
      problem texts and marks :func:`_yaml_problem` translates; libyaml words and places
      some of them differently, and refuses some texts PyYAML reads;
    * a tab, a byte order mark after the first character, a "?" with brackets or braces
      (below);
    * a long text of more values than a filing may have (:func:`_few_events`);
    * that is all: any other text libyaml reads without error gives the same data and lines.

    Without a ``!`` in the text no tag can be written, and libyaml composes the nodes in C;
    the bounds _BoundedComposer enforces while composing are then checked on the composed
    nodes (:func:`_within_bounds`). With a ``!`` somewhere (a tag, or just text), the C
    events are composed in Python by _BoundedComposer, which sees the tags as written."""
    if ("\t" in text or text.find("\ufeff", 1) >= 0
            or ("?" in text and ("[" in text or "{" in text))):
        # Where libyaml reads what PyYAML refuses — and a file read as an error must keep
        # being one, with its message: a tab as a separator ("a:<tab>1", "a: 1<tab>",
        # "[1,<tab>2]"), a byte order mark after the first character (libyaml skips it),
        # a "?" inside a plain scalar in brackets or braces ("{a: 1.?}", libyaml 0.2.5).
        return None
    if len(text) > MAX_FILING_NODES // 4 and not _few_events(text):
        return None
    loader: _CLoader | _CEventLoader
    loader = _CEventLoader(text) if "!" in text else _CLoader(text)
    try:
        node = loader.get_single_node()
        if isinstance(loader, _CLoader) and node is not None:
            try:
                return _build_tree(loader, node)
            except _NotATree:
                if not _within_bounds(node):
                    return None
        return _construct(loader, node)
    except Exception:  # whatever went wrong, the reference reader says it
        return None
    finally:
        loader.dispose()


def _few_events(text: str) -> bool:
    """Whether libyaml parses ``text`` into at most MAX_FILING_NODES events (counted in C,
    no Python object made). Composing makes a Python node of some 300 bytes for each, and
    the pure-Python reader stops at MAX_FILING_NODES values; the C path must not take more
    memory on a 5 MB file of "[1,1,1,…" than that. A node takes about a character at least
    (``[? ]``: a list, a mapping, an empty key and an empty value in four), so texts of at
    most MAX_FILING_NODES / 4 characters need no counting."""
    counter = _CParser(text)
    try:
        return counter.raw_parse() <= MAX_FILING_NODES
    except Exception:  # an error: the pure-Python reader says it
        return False
    finally:
        counter.dispose()


class _NotATree(Exception):
    """The composed nodes are not what :func:`_build_tree` builds; the general way builds them."""


_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_MERGE_TAG = "tag:yaml.org,2002:merge"


def _build_tree(loader: yaml.constructor.BaseConstructor, root: yaml.Node) -> tuple[Any, SourceMap]:
    """What ``_walk_lines`` and ``construct_document`` give, and the check of
    :func:`_within_bounds`, in one walk: the usual filing is a tree of mappings with
    scalar keys, and walking it once instead of three times is most of what C composition
    leaves to do. Raises _NotATree for anything else — a node met twice (an alias), a key
    that is not a scalar, a merge key (<<), a duplicate key, a bound exceeded — which
    the general way (or the pure-Python reader, for the errors) then reads.

    Scalars are built by the loader's constructors (a ``str`` scalar is its value, as
    SafeConstructor.construct_yaml_str returns it); lists and mappings as construct_yaml_seq
    and _construct_mapping build them; lines as _walk_lines records them."""
    constructors = loader.yaml_constructors
    lines: dict[PathKey, int] = {}
    seen: set[int] = set()
    count = 0
    scalar_node, sequence_node = yaml.ScalarNode, yaml.SequenceNode

    def build(node: yaml.Node, path: PathKey, depth: int) -> Any:
        nonlocal count
        count += 1
        if depth > MAX_NESTING_DEPTH or count > MAX_FILING_NODES or id(node) in seen:
            raise _NotATree
        seen.add(id(node))
        lines.setdefault(path, node.start_mark.line + 1)
        tag = node.tag
        if isinstance(node, scalar_node):
            return node.value if tag == _STR_TAG else constructors[tag](loader, node)
        if isinstance(node, sequence_node):
            if tag != _SEQ_TAG:
                raise _NotATree
            return [build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)]
        if tag != _MAP_TAG:
            raise _NotATree
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            count += 1
            key_tag = key_node.tag
            if (not isinstance(key_node, scalar_node) or key_tag == _MERGE_TAG
                    or depth >= MAX_NESTING_DEPTH or id(key_node) in seen):
                raise _NotATree
            seen.add(id(key_node))
            key = key_node.value if key_tag == _STR_TAG else constructors[key_tag](loader, key_node)
            if key in result:
                raise _NotATree
            child = (*path, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            result[key] = build(value_node, child, depth + 1)
        return result

    data = build(root, (), 1)
    if count > MAX_FILING_NODES:
        raise _NotATree
    return data, SourceMap(lines)


def _within_bounds(root: yaml.Node) -> bool:
    """Whether composing these nodes passes every bound of _BoundedComposer: nesting at most
    MAX_NESTING_DEPTH, at most MAX_FILING_NODES values with aliases expanded, and no alias
    inside what it names (a recursive node, which the constructor refuses). The first time
    a node is met in document order is where it was composed; later meetings are aliases,
    counted with the values under the node as _BoundedComposer counts them."""
    sizes: dict[int, int] = {}  # id(node) -> values in it, once composed
    open_: set[int] = set()  # nodes being walked
    values = 0

    def walk(node: yaml.Node, depth: int) -> bool:
        nonlocal values
        key = id(node)
        if key in sizes:  # an alias
            values += sizes[key]
            return values <= MAX_FILING_NODES
        if key in open_ or depth > MAX_NESTING_DEPTH:
            return False
        start = values
        values += 1
        if values > MAX_FILING_NODES:
            return False
        if isinstance(node, yaml.MappingNode):
            open_.add(key)
            for key_node, value_node in node.value:
                if not (walk(key_node, depth + 1) and walk(value_node, depth + 1)):
                    return False
            open_.discard(key)
        elif isinstance(node, yaml.SequenceNode):
            open_.add(key)
            for item in node.value:
                if not walk(item, depth + 1):
                    return False
            open_.discard(key)
        sizes[key] = values - start
        return True

    return walk(root, 1)


# --- JSON with Decimal ---------------------------------------------------------


class _JsonValueError(ValueError):
    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


def _constant(name: str) -> Decimal:
    # NaN and ±Infinity are not JSON; kept as Decimal so validation refuses them
    # with the field path (a non-finite amount, a non-number elsewhere).
    return Decimal(name)


def _json_int(text: str) -> int | _LongNumber:
    return int(text) if len(text) <= MAX_NUMBER_CHARS else _LongNumber(text)


def _json_decimal(text: str) -> Decimal | _LongNumber:
    return Decimal(text) if len(text) <= MAX_NUMBER_CHARS else _LongNumber(text)


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonValueError(f"重复的键“{printable(key, 40)}”", key)
        result[key] = value
    return result


def parse_json(text: str) -> Any:
    """Parse JSON with Decimal numbers; numbers too long to convert stay unconverted
    (:func:`parse_data` refuses them with their field path)."""
    return json.loads(
        text,
        parse_float=_json_decimal,
        parse_int=_json_int,
        parse_constant=_constant,
        object_pairs_hook=_pairs_without_duplicates,
    )


_JSON_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[{]|[\]}]|\n')


def _json_depth_line(text: str) -> int | None:
    """Line where JSON text first nests deeper than MAX_NESTING_DEPTH (strings skipped)."""
    depth, line = 0, 1
    for m in _JSON_TOKEN.finditer(text):
        token = m[0]
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > MAX_NESTING_DEPTH:
                return line
        elif token in "]}":
            depth -= 1
    return None


_JSON_KEY = re.compile(r'"((?:[^"\\\n]|\\.)*)"[ \t\r]*(:)?|[\[{]|[\]}]|\n')  # newlines counted, never skipped


def _json_duplicate_line(text: str, key: str) -> int | None:
    """Line of the first key that repeats one of its object (strings decoded as JSON does)."""
    line, objects = 1, [set[str]()]
    for m in _JSON_KEY.finditer(text):
        token = m[0]
        if token == "\n":
            line += 1
        elif token in "[{":
            objects.append(set())
        elif token in "]}":
            if len(objects) > 1:
                objects.pop()
        elif m[2] is not None:
            try:
                name = json.loads(f'"{m[1]}"')
            except ValueError:
                continue
            if name in objects[-1] and name == key:
                return line
            objects[-1].add(name)
    return None


# --- bounds on the parsed data -------------------------------------------------

# Characters XML 1.0 cannot hold (the documents are XML inside): C0 controls but tab and
# line breaks, lone surrogates (no UTF-8 for them), U+FFFE/U+FFFF. YAML refuses them raw;
# this refuses them written as escapes ("\u0000", "\ud800") in YAML and JSON strings.
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _character_problem(text: str) -> tuple[str, str] | None:
    m = _BAD_CHARACTER.search(text)
    if m is None:
        return None
    code = f"U+{ord(m[0]):04X}"
    if "\ud800" <= m[0] <= "\udfff":
        return (f"文本中含有无效的字符 {code}（单独的代理项，不是有效的 Unicode 字符）",
                "有效的文本；\\uD800–\\uDFFF 转义只能成对表示一个字符")
    return f"文本中含有不允许的控制字符 {code}", "可打印的文本字符（可含换行和制表符）"


@dataclass
class _Bounds:
    """Walks parsed data once (shared YAML aliases once) and lists what is out of bounds."""

    source_map: SourceMap
    problems: list[Problem] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    values: int = 0
    numbers: list[int] = field(default_factory=list)  # which problems are about a number

    def problem(self, path: PathKey, message: str, expected: str | None, found: str | None, *,
                with_path: bool = True) -> None:
        self.problems.append(Problem(message, path=(path_text(path) or None) if with_path else None,
                                     line=self.source_map.line_of(path), expected=expected,
                                     found=found))

    def scalar(self, value: object, path: PathKey) -> None:
        if isinstance(value, str):
            bad = _character_problem(value)
            if bad is not None:
                self.problem(path, bad[0], bad[1], f"“{printable(value, 40)}”")
        elif isinstance(value, _LongNumber):
            # Named by its line only: the message has read so since before the field paths.
            self.numbers.append(len(self.problems))
            self.problem(path, f"文件中有位数过多的数字（一个数字不超过 {MAX_NUMBER_CHARS} 个字符）",
                         "整数部分不超过 18 位、小数不超过 10 位的数字",
                         f"{len(value.text):,} 个字符的数字", with_path=False)
        elif isinstance(value, Decimal | int) and not isinstance(value, bool):
            reason = number_problem(value)
            if reason is not None:
                self.numbers.append(len(self.problems))
                self.problem(path, reason, "整数部分不超过 18 位、小数不超过 10 位的数字",
                             printable(str(value), 40) if isinstance(value, Decimal) else _int_text(value))

    def walk(self, value: object, path: PathKey, depth: int) -> None:
        self.values += 1
        if self.values > MAX_FILING_NODES:
            if self.values == MAX_FILING_NODES + 1:
                self.problem((), f"文件中的数据项过多（超过 {MAX_FILING_NODES:,} 项）",
                             "一份填报通常只有几千项", None)
            return
        if isinstance(value, dict | list | tuple):  # tuples: data built in Python (web app)
            if id(value) in self.seen:
                return
            self.seen.add(id(value))
            if depth > MAX_NESTING_DEPTH:
                self.problem(path, f"嵌套层次过深（超过 {MAX_NESTING_DEPTH} 层）", None, None)
                return
            if isinstance(value, dict):
                for key, item in value.items():
                    child = (*path, key if isinstance(key, str | int) else str(key))
                    self.scalar(key, child)
                    self.walk(item, child, depth + 1)
            else:
                for index, item in enumerate(value):
                    self.walk(item, (*path, index), depth + 1)
        else:
            self.scalar(value, path)


def _plainly_within_bounds(data: Any) -> bool:
    """True only if :class:`_Bounds` finds nothing in ``data``: the usual case, told about
    three times faster — no paths built, the texts searched in one go. False (then _Bounds
    walks and names each problem) at the first doubt: a container met twice (an alias; which
    occurrence _Bounds meets first decides the depth it checks), a type other than dict,
    list, tuple, str, Decimal, int, bool and None, too many values or too deep."""
    texts: list[str] = []
    numbers: list[Decimal | int] = []
    seen: set[int] = set()
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        kind = type(value)
        if kind is dict or kind is list or kind is tuple:
            if id(value) in seen or depth > MAX_NESTING_DEPTH or count > MAX_FILING_NODES:
                return False
            seen.add(id(value))
            if kind is dict:
                for key, item in value.items():
                    key_kind = type(key)
                    if key_kind is str:
                        texts.append(key)
                    elif key_kind is Decimal or key_kind is int:
                        numbers.append(key)
                    elif key_kind is not bool and key is not None:
                        return False
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)
        elif kind is str:
            texts.append(value)
        elif kind is Decimal or kind is int:
            numbers.append(value)
        elif kind is not bool and value is not None:
            return False
    if count > MAX_FILING_NODES or _BAD_CHARACTER.search(" ".join(texts)):
        return False
    return not any(number_problem(number) is not None for number in numbers)


def bounds_problems(data: Any, source_map: SourceMap | None = None, *,
                    json_text: str | None = None) -> list[Problem]:
    """What in parsed data is beyond juesuan's bounds: numbers (juesuan.money.number_problem),
    text that is no valid character data, nesting, the number of values. ``json_text``, the
    JSON the data was parsed from, gives the problems about numbers and nesting their line."""
    if _plainly_within_bounds(data):
        return []
    bounds = _Bounds(source_map or SourceMap())
    bounds.walk(data, (), 0)
    problems = bounds.problems
    if json_text is not None and problems:
        # Numbers out of bounds come in document order, in the data as in the text.
        for index, line in zip(bounds.numbers, _json_number_lines(json_text), strict=False):
            problems[index] = replace(problems[index], line=line)
        if any(p.message.startswith("嵌套层次过深") for p in problems):
            deep = _json_depth_line(json_text)
            problems = [replace(p, line=deep) if p.message.startswith("嵌套层次过深") else p
                        for p in problems]
    return problems


_JSON_NUMBER = re.compile(r'"(?:[^"\\\n]|\\.)*"|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|\n')


def _json_number_lines(text: str) -> Iterator[int]:
    """Lines of the JSON numbers (outside strings) that are out of bounds, in order."""
    line = 1
    for m in _JSON_NUMBER.finditer(text):
        if m[0] == "\n":
            line += 1
        elif m[1] is not None:
            number = m[1]
            if len(number) > MAX_NUMBER_CHARS or number_problem(Decimal(number)) is not None:
                yield line


# --- reading -------------------------------------------------------------------


def read_text(path: Path, *, max_bytes: int = MAX_FILING_BYTES, what: str = "填报文件") -> str:
    """Read a UTF-8 text file of at most ``max_bytes``, turning every failure into a
    FilingReadError."""
    name = str(path)
    if not path.exists():
        raise FilingReadError(name, [Problem("文件不存在", expected=f"一个 YAML 或 JSON {what}")])
    if path.is_dir():
        raise FilingReadError(
            name, [Problem("这是一个目录，不是文件", expected=f"一个 YAML 或 JSON {what}")]
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)  # bounded: a device or a growing file never ends
    except OSError as exc:
        raise FilingReadError(name, [Problem(f"无法读取文件：{exc.strerror}")]) from None
    if len(raw) > max_bytes:
        raise FilingReadError(name, [Problem(
            f"文件过大（超过 {_size(max_bytes)}），未读取",
            expected=f"不超过 {_size(max_bytes)} 的{what}"
                     + ("（一份填报通常不到 200 KB）" if what == "填报文件" else ""))])
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            hint = "文件看起来是 GBK/GB18030 编码"
        except UnicodeDecodeError:
            hint = "文件含有无法按 UTF-8 解码的字节"
        raise FilingReadError(
            name,
            [Problem(f"{hint}，请用 UTF-8 编码另存后再试", line=line, expected="UTF-8 编码的文本")],
        ) from None
    if not text.strip():
        raise FilingReadError(name, [Problem("文件是空的", expected=f"一个{what}的内容")])
    return text


def _size(n: int) -> str:
    return f"{n // 1048576} MB" if n % 1048576 == 0 else f"{n // 1024} KB"


def parse_data(text: str, name: str, *, json_format: bool) -> tuple[Any, SourceMap]:
    """Parse YAML or JSON text into plain data (Decimal numbers) within every bound of
    juesuan.limits; any failure is a FilingReadError naming ``name`` and the line or path.
    Filings and scoring schemes are read with it."""
    source_map = SourceMap()
    try:
        if json_format:
            data = parse_json(text)
        else:
            data, source_map = parse_yaml(text)
    except json.JSONDecodeError as exc:
        raise FilingReadError(
            name, [Problem(f"JSON 格式错误：{_json_message(exc.msg)}", line=exc.lineno)]
        ) from None
    except _JsonValueError as exc:
        raise FilingReadError(name, [Problem(f"JSON 内容错误：{exc}", line=_json_duplicate_line(text, exc.key),
                                             expected="同一层的每个键只出现一次")]) from None
    except yaml.MarkedYAMLError as exc:
        raise FilingReadError(name, [_yaml_problem(exc)]) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise FilingReadError(
            name,
            [
                Problem(
                    f"YAML 格式错误：含有不允许的控制字符 U+{exc.character:04X}",
                    line=line,
                    expected="可打印的文本字符",
                )
            ],
        ) from None
    except yaml.YAMLError:
        raise FilingReadError(name, [Problem("YAML 格式错误：无法解析")]) from None
    except RecursionError:  # JSON nested some thousand levels
        raise FilingReadError(name, [Problem(f"嵌套层次过深（超过 {MAX_NESTING_DEPTH} 层）",
                                             line=_json_depth_line(text) if json_format else None)]) from None
    problems = bounds_problems(data, source_map, json_text=text if json_format else None)
    if problems:
        raise FilingReadError(name, _capped(problems))
    return data, source_map


def _capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_READ_PROBLEMS:
        return problems
    return [*problems[:MAX_READ_PROBLEMS],
            Problem(f"另有 {len(problems) - MAX_READ_PROBLEMS} 处问题未列出（先更正以上各处）")]


@in_core_context
def parse_filing_text(text: str, name: str, *, json_format: bool) -> LoadedFiling:
    """Parse and validate filing text; ``name`` is used in messages only."""
    data, source_map = parse_data(text, name, json_format=json_format)
    if not isinstance(data, dict):
        raise FilingReadError(
            name,
            [
                Problem(
                    "文件顶层应是键值对（year、unit、department、income、expenditure 等）",
                    line=source_map.lines.get(())
                    or text[: len(text) - len(text.lstrip())].count("\n") + 1,
                    expected="“year: 2024”这样的“键: 值”，每行一个",
                    found=_TOP_KINDS.get(type(data), type(data).__name__),
                )
            ],
        )
    try:
        filing = Filing.model_validate(data)
    except ValidationError as exc:
        raise FilingReadError(name, _capped(list(_problems(exc, source_map)))) from None
    return LoadedFiling(filing, name, source_map)


@in_core_context
def filing_from_data(data: Any, name: str) -> Filing:
    """Validate plain data (from a web form or the database) with the same bounds and
    messages as files."""
    if not isinstance(data, dict):
        raise FilingReadError(name, [Problem("填报内容应是键值对", expected="对象")])
    problems = bounds_problems(data)
    if problems:
        raise FilingReadError(name, _capped(problems))
    try:
        return Filing.model_validate(data)
    except ValidationError as exc:
        raise FilingReadError(name, _capped(list(_problems(exc, SourceMap())))) from None


def load_filing(path: Path | str) -> LoadedFiling:
    path = Path(path)
    text = read_text(path)
    suffix = path.suffix.lower()
    json_format = suffix == ".json" or (
        suffix not in (".yaml", ".yml") and text.lstrip().startswith("{")
    )
    return parse_filing_text(text, str(path), json_format=json_format)


_JSON_MESSAGES = {
    "Expecting value": "此处应有一个值",
    "Expecting property name enclosed in double quotes": "键名应使用双引号",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Extra data": "文档结束后还有多余内容",
    "Unterminated string starting at": "字符串没有结束引号",
    "Invalid control character at": "字符串中有控制字符",
}


def _json_message(msg: str) -> str:
    return _JSON_MESSAGES.get(msg, msg)


_TOP_KINDS: dict[type, str] = {
    list: "列表",
    str: "一段文本",
    int: "数字",
    Decimal: "数字",
    bool: "true/false",
}

# PyYAML's problem text (by prefix) → Chinese message and what was expected.
_YAML_MESSAGES = (
    (
        "mapping values are not allowed here",
        "此处不能出现“键: 值”（常见原因：缩进不一致，或值中有冒号却没加引号）",
        "同一层的键左端对齐；含“: ”的值写在引号中",
    ),
    ("expected <block end>", "缩进不一致", "同一层的键或列表项左端对齐"),
    (
        "did not find expected key",
        "此处应有一个键（常见原因：缩进不一致）",
        "“键: 值”，与同一层的键左端对齐",
    ),
    ("did not find expected '-' indicator", "此处应是列表项", "以“- ”开头，与同一层的列表项对齐"),
    ("could not find expected ':'", "缺少冒号", "“键: 值”（冒号后加空格）"),
    ("expected ',' or ']'", "方括号没有闭合，或列表项之间缺少逗号", "用逗号分隔各项，以“]”结束"),
    ("expected ',' or '}'", "花括号没有闭合，或键值对之间缺少逗号", "用逗号分隔各项，以“}”结束"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有闭合）", "成对的引号或括号"),
    ("found character '\\t'", "含有制表符（Tab）", "用空格缩进"),
    (
        "found unknown escape character",
        "双引号内有无法识别的转义字符",
        "反斜杠写成 \\\\，或改用单引号",
    ),
    ("found undefined alias", "引用了未定义的锚点（*名称）", "先用 &名称 定义再引用"),
    ("found unhashable key", "键不能是列表或键值对", "文本键，如 code"),
    ("found unconstructable recursive node", "锚点引用了自身（递归结构）", "不含自引用的结构"),
    ("could not determine a constructor", "不支持的 YAML 标签（!…）", "普通的 YAML 值，不带标签"),
    ("found non-specific tag", "不支持的 YAML 标签（!）", "普通的 YAML 值，不带标签"),
    ("but found another document", "文件含有多个 YAML 文档（“---”分隔）", "只含一份填报"),
    ("expected '<document start>'", "文件含有多个 YAML 文档或多余的指令", "只含一份填报"),
    ("found unexpected document separator", "出现了意外的文档分隔符（---）", "只含一份填报"),
    ("重复的键", "", "同一层的每个键只出现一次"),
    ("不支持的 YAML 标签", "", "普通的 YAML 值，不带 !… 标签；要写成文本时加引号"),
    ("嵌套层次过深", "", "列表与键值对的嵌套不超过限制"),
    ("文件中的数据项过多", "", "一份填报或评分办法通常只有几千项"),
    ("found character", "含有不能出现在此处的字符（如 @、`、%）", "以这些字符开头的值写在引号中"),
    ("expected the node content", "此处应有一个值", "“键: 值”或“- 值”"),
    ("expected a comment or a line break", "值后面有多余内容", "每行一个“键: 值”；含特殊字符的值写在引号中"),
    ("expected alphabetic or numeric character", "锚点（&）或别名（*）的名称有误",
     "名称由字母或数字组成；普通文本中的 & 或 * 开头的值写在引号中"),
    ("found duplicate anchor", "锚点名称重复（&名称）", "每个锚点名称只定义一次"),
    ("expected a mapping", "合并键（<<）的值应为键值对", "<<: *名称，名称指向一个键值对"),
    ("mapping keys are not allowed here", "此处不能出现键（常见原因：缩进不一致）", "同一层的键左端对齐"),
    ("sequence entries are not allowed here", "此处不能出现列表项（常见原因：缩进不一致）",
     "列表项以“- ”开头，与同一层的列表项对齐"),
    ("invalid indentation or unclosed", "缩进不一致，或括号没有闭合", "成对的括号；同一层左端对齐"),
    ("expected escape sequence of", "双引号内的转义写法有误（\\x、\\u 后应为十六进制数字）",
     "反斜杠写成 \\\\，或改用单引号"),
    ("expected chomping or indentation indicators", "块文本（| 或 >）的标记写法有误", "| 或 >，可加 - 或 +"),
    ("expected indentation indicator", "块文本（| 或 >）的缩进标记应为 1–9", "| 或 >，可加 - 或 +"),
    ("found duplicate YAML directive", "YAML 指令（%YAML）重复", "不写 % 指令"),
    ("found incompatible YAML document", "不支持的 YAML 版本", "不写 % 指令"),
    ("found undefined tag handle", "不支持的 YAML 标签（!…）", "普通的 YAML 值，不带标签"),
    ("duplicate tag handle", "YAML 指令（%TAG）重复", "不写 % 指令"),
    ("expected", "此处的写法无法解析", None),
    ("found", "此处的写法无法解析", None),
)


def _yaml_problem(exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "无法解析"
    expected = None
    for prefix, message, hint in _YAML_MESSAGES:
        if problem.startswith(prefix):
            problem, expected = message or problem, hint
            break
    else:
        if not any("\u4e00" <= ch <= "\u9fff" for ch in problem):
            problem = "此处的写法无法解析"  # PyYAML's English never reaches the user
    if isinstance(exc, _LimitError) and not problem.startswith("不支持的"):
        return Problem(problem, line=mark.line + 1 if mark else None, expected=expected)
    start, context = exc.context_mark, exc.context or ""
    if start is not None and mark is not None and start.line != mark.line:
        if context.startswith("while parsing a flow"):
            problem += f"（括号从第 {start.line + 1} 行开始）"
        elif context.startswith("while scanning a quoted"):
            problem += f"（引号从第 {start.line + 1} 行开始）"
    return Problem(
        f"YAML 格式错误：{problem}", line=mark.line + 1 if mark else None, expected=expected
    )


_LIST = ("应为列表", "列表（每项以“- ”开头）")
_MAPPING = ("应为键值对", "键值对（映射）")
_INTEGER = ("应为整数", "整数")
_NUMBER = ("应为数字", "数字")

# Every pydantic error type a user can meet, in Chinese; others get _OTHER (pydantic's
# English never reaches the user).
_TYPE_MESSAGES: dict[str, tuple[str, str | None]] = {
    "missing": ("缺少必填项", None),
    "extra_forbidden": ("不认识的字段（拼写错误，或放错了位置）", None),
    "invalid_key": ("键应为文本", "文本键"),
    "int_parsing": _INTEGER,
    "int_type": _INTEGER,
    "int_from_float": _INTEGER,
    "int_parsing_size": ("整数超出可处理的范围", "整数部分不超过 18 位的整数"),
    "finite_number": ("应为有限数值", "数字"),
    "float_type": _NUMBER,
    "float_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_max_digits": ("数字位数过多", None),
    "decimal_max_places": ("小数位数过多", None),
    "decimal_whole_digits": ("整数部分位数过多", None),
    "multiple_of": ("数值不是规定的倍数", None),
    "string_type": ("应为文本", "文本"),
    "string_unicode": ("文本中含有无效的字符（单独的代理项，不是有效的 Unicode 字符）", "有效的文本"),
    "string_too_short": ("不能为空", "非空文本"),
    "string_too_long": ("文本过长", None),
    "string_pattern_mismatch": ("格式不对", None),
    "string_not_ascii": ("应只含 ASCII 字符", None),
    "bool_type": ("应为 true 或 false", None),
    "bool_parsing": ("应为 true 或 false", None),
    "none_required": ("此处不应填写", "空"),
    "dict_type": _MAPPING,
    "mapping_type": _MAPPING,
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "dataclass_type": _MAPPING,
    "tuple_type": _LIST,
    "list_type": _LIST,
    "set_type": _LIST,
    "frozen_set_type": _LIST,
    "iterable_type": _LIST,
    "too_short": ("项数过少", None),
    "too_long": ("项数过多", None),
    "set_item_not_hashable": ("列表项应为文本或数字", None),
    "greater_than_equal": ("数值过小", None),
    "greater_than": ("数值过小", None),
    "less_than_equal": ("数值过大", None),
    "less_than": ("数值过大", None),
    "enum": ("取值不在允许范围内", None),
    "literal_error": ("取值不在允许范围内", None),
    "union_tag_invalid": ("取值不在允许范围内", None),
    "union_tag_not_found": ("缺少区分类型的字段", None),
    "date_type": ("应为日期", "如 2024-12-31"),
    "date_parsing": ("应为日期", "如 2024-12-31"),
    "datetime_type": ("应为日期时间", "如 2024-12-31T09:00:00"),
    "datetime_parsing": ("应为日期时间", "如 2024-12-31T09:00:00"),
    "frozen_instance": ("不能修改", None),
    "frozen_field": ("不能修改", None),
    "recursion_loop": ("数据中有循环引用", "不引用自身的结构"),
    "value_error": ("取值不符合要求", None),
    "assertion_error": ("取值不符合要求", None),
}
_OTHER = ("取值不符合要求", None)


def type_message(kind: str) -> tuple[str, str | None]:
    """The Chinese message and what was expected, for a pydantic error type."""
    return _TYPE_MESSAGES.get(kind, _OTHER)


def _problems(exc: ValidationError, source_map: SourceMap) -> Iterator[Problem]:
    for error in exc.errors(include_url=False):
        loc: PathKey = tuple(error["loc"])
        kind = error["type"]
        ctx = error.get("ctx") or {}
        message, expected = type_message(kind)
        if kind in ("value_error", "assertion_error") and "error" in ctx:
            message = printable(str(ctx["error"]), 300)  # our validators' Chinese reason
            if isinstance(ctx.get("error"), AmountError):
                expected = "有限的数字金额，如 1234.56"
        elif kind in ("enum", "literal_error"):
            expected = printable(
                str(ctx.get("expected", "")).replace("' or '", "'、'").replace("', '", "'、'"), 300
            )
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            word = {"ge": "不小于", "gt": "大于", "le": "不大于", "lt": "小于"}
            key = next((k for k in word if k in ctx), None)
            expected = f"{word[key]} {ctx[key]}" if key else None
        elif kind in ("string_too_long", "too_long") and "max_length" in ctx:
            expected = f"不超过 {ctx['max_length']} {'个字符' if kind.startswith('string') else '项'}"
        elif kind == "too_short" and "min_length" in ctx:
            expected = f"至少 {ctx['min_length']} 项"
        found = None if kind == "missing" else _short(error.get("input"))
        yield Problem(
            message,
            path=path_text(loc),
            line=source_map.line_of(loc),
            expected=expected,
            found=found,
        )


def _int_text(value: int) -> str:
    """An integer for a message; a huge one by its size (str() refuses 4,300+ digits)."""
    if abs(value) < 10**40:
        return str(value)
    return f"约 {int(value.bit_length() * 0.30103) + 1:,} 位整数"


def _short(value: object) -> str:
    # Containers are named, not repr'd: YAML aliases can make their repr enormous.
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, list | tuple):
        return "列表"
    if isinstance(value, str):
        return f"“{printable(value, 58)}”"
    if isinstance(value, int) and not isinstance(value, bool):
        return _int_text(value)
    return printable(str(value) if isinstance(value, Decimal) else repr(value), 60)


# --- writing -------------------------------------------------------------------


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old or the new content, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; a written document is for sharing
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def filing_to_data(filing: Filing) -> Any:
    """Plain data for dumping: amounts as strings so no float is ever produced."""
    return filing.model_dump(mode="json", exclude_defaults=True)
