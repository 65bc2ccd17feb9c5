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
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from juesuan.filing.model import Filing
from juesuan.money import MAX_INTEGER_DIGITS, AmountError

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


class _Loader(yaml.SafeLoader):
    """SafeLoader that builds Decimal for floats, strings for dates, refuses duplicate keys."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal | str:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text  # .inf, .nan, 1:30 (sexagesimal): left for validation to refuse
    return value if value.is_finite() else text


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
                None, None, f"重复的键“{key}”（后一个会覆盖前一个）", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


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
    """Parse YAML into plain data with Decimal numbers; raise yaml.YAMLError."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, SourceMap()
        lines: dict[PathKey, int] = {}
        _walk_lines(node, (), lines, set())
        return loader.construct_document(node), SourceMap(lines)
    finally:
        loader.dispose()


# --- JSON with Decimal ---------------------------------------------------------


class _JsonValueError(ValueError):
    pass


def _constant(name: str) -> Decimal:
    # NaN and ±Infinity are not JSON; kept as Decimal so validation refuses them
    # with the field path (a non-finite amount, a non-number elsewhere).
    return Decimal(name)


def _pairs_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _JsonValueError(f"重复的键“{key}”")
        result[key] = value
    return result


def parse_json(text: str) -> Any:
    return json.loads(
        text,
        parse_float=Decimal,
        parse_constant=_constant,
        object_pairs_hook=_pairs_without_duplicates,
    )


# --- reading -------------------------------------------------------------------


def read_text(path: Path) -> str:
    """Read a UTF-8 text file, turning every failure into a FilingReadError."""
    name = str(path)
    if not path.exists():
        raise FilingReadError(name, [Problem("文件不存在", expected="一个 YAML 或 JSON 填报文件")])
    if path.is_dir():
        raise FilingReadError(
            name, [Problem("这是一个目录，不是文件", expected="一个 YAML 或 JSON 填报文件")]
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FilingReadError(name, [Problem(f"无法读取文件：{exc.strerror}")]) from None
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
        raise FilingReadError(name, [Problem("文件是空的", expected="一个决算填报文件的内容")])
    return text


def parse_filing_text(text: str, name: str, *, json_format: bool) -> LoadedFiling:
    """Parse and validate filing text; ``name`` is used in messages only."""
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
        raise FilingReadError(name, [Problem(f"JSON 内容错误：{exc}")]) from None
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
    except yaml.YAMLError as exc:
        raise FilingReadError(name, [Problem(f"YAML 格式错误：{exc}")]) from None
    except RecursionError:
        raise FilingReadError(name, [Problem("文件嵌套层次过深")]) from None
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        if "integer string conversion" not in str(exc):
            raise
        long = re.search(r"\d{4000,}", text)
        raise FilingReadError(name, [Problem("文件中有位数过多的数字",
                                             line=text[: long.start()].count("\n") + 1 if long else None,
                                             expected=f"金额整数部分不超过 {MAX_INTEGER_DIGITS} 位")]) from None
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
        raise FilingReadError(name, list(_problems(exc, source_map))) from None
    return LoadedFiling(filing, name, source_map)


def filing_from_data(data: Any, name: str) -> Filing:
    """Validate plain data (from a web form or the database) with the same messages as files."""
    if not isinstance(data, dict):
        raise FilingReadError(name, [Problem("填报内容应是键值对", expected="对象")])
    try:
        return Filing.model_validate(data)
    except ValidationError as exc:
        raise FilingReadError(name, list(_problems(exc, SourceMap()))) from None


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
    ("but found another document", "文件含有多个 YAML 文档（“---”分隔）", "只含一份填报"),
    ("重复的键", "", "同一层的每个键只出现一次"),
)


def _yaml_problem(exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "无法解析"
    expected = None
    for prefix, message, hint in _YAML_MESSAGES:
        if problem.startswith(prefix):
            problem, expected = message or problem, hint
            break
    start, context = exc.context_mark, exc.context or ""
    if start is not None and mark is not None and start.line != mark.line:
        if context.startswith("while parsing a flow"):
            problem += f"（括号从第 {start.line + 1} 行开始）"
        elif context.startswith("while scanning a quoted"):
            problem += f"（引号从第 {start.line + 1} 行开始）"
    return Problem(
        f"YAML 格式错误：{problem}", line=mark.line + 1 if mark else None, expected=expected
    )


_TYPE_MESSAGES = {
    "missing": ("缺少必填项", None),
    "extra_forbidden": ("不认识的字段（拼写错误，或放错了位置）", None),
    "invalid_key": ("键应为文本", "文本键"),
    "int_parsing": ("应为整数", "整数"),
    "int_type": ("应为整数", "整数"),
    "int_from_float": ("应为整数", "整数"),
    "finite_number": ("应为有限数值", "数字"),
    "string_type": ("应为文本", "文本"),
    "string_too_short": ("不能为空", "非空文本"),
    "bool_type": ("应为 true 或 false", None),
    "dict_type": ("应为键值对", "键值对（映射）"),
    "model_type": ("应为键值对", "键值对（映射）"),
    "model_attributes_type": ("应为键值对", "键值对（映射）"),
    "tuple_type": ("应为列表", "列表（每项以“- ”开头）"),
    "list_type": ("应为列表", "列表（每项以“- ”开头）"),
    "greater_than_equal": ("数值过小", None),
    "less_than_equal": ("数值过大", None),
}


def _problems(exc: ValidationError, source_map: SourceMap) -> Iterator[Problem]:
    for error in exc.errors(include_url=False):
        loc: PathKey = tuple(error["loc"])
        kind = error["type"]
        ctx = error.get("ctx") or {}
        message, expected = _TYPE_MESSAGES.get(kind, (error["msg"], None))
        if kind in ("value_error", "assertion_error"):
            message = str(ctx.get("error", error["msg"]))
            if isinstance(ctx.get("error"), AmountError):
                expected = "有限的数字金额，如 1234.56"
        elif kind in ("enum", "literal_error"):
            message = "取值不在允许范围内"
            expected = (
                str(ctx.get("expected", "")).replace("' or '", "'、'").replace("', '", "'、'")
            )
        elif kind == "greater_than_equal":
            expected = f"不小于 {ctx.get('ge')}"
        elif kind == "less_than_equal":
            expected = f"不大于 {ctx.get('le')}"
        found = None if kind == "missing" else _short(error.get("input"))
        yield Problem(
            message,
            path=path_text(loc),
            line=source_map.line_of(loc),
            expected=expected,
            found=found,
        )


def _short(value: object) -> str:
    # Containers are named, not repr'd: YAML aliases can make their repr enormous.
    if isinstance(value, dict):
        text = "键值对"
    elif isinstance(value, list):
        text = "列表"
    elif isinstance(value, Decimal):
        text = str(value)
    else:
        text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 60 else text[:57] + "…"


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
