"""Mutations of real inputs: YAML/JSON text and trees, bytes, encodings, reports, HTML, DOCX,
XLSX and PDF. Every function takes a seeded ``random.Random`` and returns the new input and
a short note of what was done (kept with a failing input)."""

from __future__ import annotations

import html
import io
import json
import random
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import yaml

from fuzzing.values import (
    ENCODINGS,
    NUMBER_TEXTS,
    SPANS,
    YAML_LINES,
    YAML_SCALARS,
    Raw,
    long_digits,
    tree_values,
)

Notes = list[str]


# --- bytes and encodings -------------------------------------------------------------------

MAGIC = [b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf",
         b"\xff\xfe", b"\xfe\xff", b"<html>", b"{\\rtf1", b"\x00" * 64, b"\xff" * 64, b"\r\n" * 8,
         b"\x1b[2J", b"endobj", b"stream\n", b"]]>", b"<!--"]


def mutate_bytes(data: bytes, rng: random.Random, notes: Notes, edits: int | None = None) -> bytes:
    """Flip, set, insert, delete, duplicate and truncate bytes."""
    buffer = bytearray(data)
    for _ in range(edits if edits is not None else rng.choice([1, 1, 2, 3, 5, 20])):
        op = rng.randrange(8)
        n = len(buffer)
        at = rng.randrange(n + 1) if n else 0
        if op == 0 and n:
            i = min(at, n - 1)
            buffer[i] ^= 1 << rng.randrange(8)
            notes.append(f"bit flip @{i}")
        elif op == 1 and n:
            i = min(at, n - 1)
            buffer[i] = rng.choice([0, 0xFF, 0x7F, 0x80, 0x0A, 0x3C, 0x22, 0x25, rng.randrange(256)])
            notes.append(f"byte set @{i}")
        elif op == 2:
            chunk = rng.choice(MAGIC) if rng.random() < 0.5 else rng.randbytes(rng.randint(1, 64))
            buffer[at:at] = chunk
            notes.append(f"insert {len(chunk)} bytes @{at}")
        elif op == 3 and n:
            k = rng.randint(1, max(1, min(n - at, rng.choice([1, 16, 256, 4096]))))
            del buffer[at: at + k]
            notes.append(f"delete {k} bytes @{at}")
        elif op == 4 and n:
            k = rng.randint(1, max(1, min(n - at, 4096)))
            buffer[at:at] = buffer[at: at + k] * rng.choice([1, 2, 10])
            notes.append(f"duplicate bytes @{at}")
        elif op == 5 and n:
            cut = rng.randrange(n)
            del buffer[cut:]
            notes.append(f"truncate at {cut}/{n}")
        elif op == 6 and n:
            i, j = sorted((rng.randrange(n), rng.randrange(n)))
            buffer[i:j] = bytes(reversed(buffer[i:j]))[: j - i]
            notes.append(f"reverse {i}:{j}")
        else:
            buffer[at:at] = b"\x00"
            notes.append(f"NUL @{at}")
    return bytes(buffer)


def encode(text: str, rng: random.Random, notes: Notes, p_other: float = 0.25) -> bytes:
    """UTF-8 mostly; sometimes another encoding (GBK, UTF-16 with BOM, …)."""
    if rng.random() >= p_other:
        return text.encode("utf-8", "surrogatepass")
    encoding = rng.choice(ENCODINGS)
    notes.append(f"encoding {encoding}")
    try:
        return text.encode(encoding, "replace")
    except UnicodeError:  # utf-7 and friends on surrogates
        return text.encode(encoding, "ignore") if encoding != "utf-7" else text.encode("utf-8", "replace")


# --- YAML and JSON text ----------------------------------------------------------------------

_KEY_LINE = re.compile(r"^(\s*(?:- )?)([^\s:#][^:#]*?):(\s+)(\S.*?)?(\s+#.*)?$")
_ITEM_LINE = re.compile(r"^(\s*- )(\S.*?)(\s+#.*)?$")


def alias_bomb(depth: int) -> str:
    lines = ["bomb0: &b0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, depth):
        lines.append(f"bomb{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 9) + "]")
    return "\n".join(lines)


def nested(depth: int, kind: str) -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    if kind == "map":
        return "{a: " * depth + "1" + "}" * depth
    return '{"a": ' * depth + "1" + "}" * depth


def scalar_text(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.06:
        return nested(rng.choice([20, 200, 2000, 50_000]), rng.choice(["list", "map"]))
    if r < 0.1:
        return "'" + rng.choice("长x9") * rng.choice([10_000, 300_000, 2_000_000]) + "'"
    if r < 0.15:
        return long_digits(rng)
    return rng.choice(YAML_SCALARS)


def mutate_yaml_text(text: str, rng: random.Random, notes: Notes) -> str:
    """Values replaced by nasty scalars, lines dropped, duplicated (duplicate keys), moved,
    re-indented, list items duplicated or dropped, junk lines, anchors and alias bombs."""
    lines = text.split("\n")
    for _ in range(rng.choice([1, 1, 2, 3, 4, 8])):
        op = rng.randrange(12)
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        if op <= 3:  # replace a value
            candidates = [k for k, line in enumerate(lines) if (m0 := _KEY_LINE.match(line)) and m0.group(4)]
            items = [k for k, line in enumerate(lines) if _ITEM_LINE.match(line)]
            pool = candidates if candidates and (not items or rng.random() < 0.8) else items
            if not pool:
                continue
            k = rng.choice(pool)
            value = scalar_text(rng)
            m = _KEY_LINE.match(lines[k])
            if m and m.group(4):
                pad = " " * (len(m.group(1)) + 2)
                lines[k] = f"{m.group(1)}{m.group(2)}: " + value.replace("\n", "\n" + pad)
            else:
                m2 = _ITEM_LINE.match(lines[k])
                if not m2:
                    continue
                lines[k] = m2.group(1) + value.replace("\n", "\n" + " " * len(m2.group(1)))
            notes.append(f"line {k + 1}: value → {value[:40]!r}")
        elif op == 4:  # duplicate a line (a duplicate key)
            lines.insert(i, lines[i])
            notes.append(f"line {i + 1} duplicated")
        elif op == 5:  # drop lines
            k = rng.choice([1, 1, 3, 10])
            del lines[i: i + k]
            notes.append(f"lines {i + 1}–{i + k} dropped")
        elif op == 6:  # duplicate or drop a list item block
            starts = [k for k, line in enumerate(lines) if line.lstrip().startswith("- ")]
            if not starts:
                continue
            first = rng.choice(starts)
            indent = len(lines[first]) - len(lines[first].lstrip())
            stop = first + 1
            while stop < len(lines) and (len(lines[stop]) - len(lines[stop].lstrip()) > indent
                                         or not lines[stop].strip()):
                stop += 1
            block = lines[first:stop]
            if rng.random() < 0.4:
                del lines[first:stop]
                notes.append(f"list item at line {first + 1} dropped")
            else:
                times = rng.choice([1, 1, 2, 10, 100, 1000])
                lines[stop:stop] = block * times
                notes.append(f"list item at line {first + 1} repeated ×{times}")
        elif op == 7:  # re-indent
            delta = rng.choice([-4, -2, -1, 1, 2, 4])
            lines[i] = (" " * delta + lines[i]) if delta > 0 else lines[i][-delta:]
            notes.append(f"line {i + 1} indent {delta:+d}")
        elif op == 8:  # junk line
            junk = rng.choice(YAML_LINES)
            lines.insert(i, junk)
            notes.append(f"line {i + 1} inserted {junk!r}")
        elif op == 9:  # swap
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            notes.append(f"lines {i + 1}↔{j + 1}")
        elif op == 10:  # anchors and aliases
            choice = rng.randrange(3)
            if choice == 0:
                lines.append(alias_bomb(rng.choice([3, 6, 9, 12])))
                notes.append("alias bomb appended")
            elif choice == 1:
                m = _KEY_LINE.match(lines[i])
                if m and not m.group(4):
                    lines[i] = lines[i].rstrip() + " &anchor"
                    lines.append(f"{m.group(2).strip()}_copy: *anchor")
                    lines.append("extra: *anchor")
                    notes.append(f"anchor at line {i + 1}, aliased")
            else:
                top = [k for k, line in enumerate(lines) if re.match(r"^[a-z_]+:\s*$", line)]
                if top:
                    k = rng.choice(top)
                    name = lines[k].split(":")[0]
                    lines[k] = f"{name}: &self"
                    lines.append(f"{rng.choice(['income', 'expenditure', 'department', 'performance'])}_x: *self")
                    lines.append(f"{rng.choice(['income', 'expenditure'])}: *self")
                    notes.append(f"{name} aliased under other keys")
        else:  # a very long line or a deep block
            if rng.random() < 0.5:
                lines.insert(i, "# " + "长" * rng.choice([10_000, 1_000_000]))
                notes.append("very long comment line")
            else:
                depth = rng.choice([50, 500, 3000])
                deep = "\n".join(" " * k + "a:" for k in range(depth)) + " 1"
                lines.append("deep:\n " + deep.replace("\n", "\n "))
                notes.append(f"block mapping nested {depth} deep")
    return "\n".join(lines)


_JSON_NUMBER = re.compile(r'(?<=: )-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?=,?$)', re.M)
JSON_NUMBERS = ["1e999999", "-1e999999", "1e-999999", "NaN", "Infinity", "-Infinity", "-0",
                "1E400", "0.0000000000000000000000000001", "12.", ".5", "01", "+1", "0x10", "1_0",
                "true", "null", '"1,234.56"', '"NaN"', "[]", "{}", '"\\ud800"', '"\\u0000"', "1 2"]


def mutate_json_text(text: str, rng: random.Random, notes: Notes) -> str:
    """JSON-specific text damage: numbers, duplicate keys, trailing commas, comments, nesting."""
    lines = text.split("\n")
    for _ in range(rng.choice([1, 1, 2, 4])):
        op = rng.randrange(7)
        i = rng.randrange(len(lines)) if lines else 0
        if op <= 1:
            numbered = [k for k, line in enumerate(lines) if _JSON_NUMBER.search(line)]
            if not numbered:
                continue
            k = rng.choice(numbered)
            new = rng.choice(JSON_NUMBERS) if rng.random() < 0.8 else long_digits(rng)
            m = _JSON_NUMBER.search(lines[k])
            if m is not None:
                lines[k] = lines[k][: m.start()] + new + lines[k][m.end():]
            notes.append(f"line {k + 1}: number → {new[:30]}")
        elif op == 2 and lines:
            lines.insert(i, lines[i])  # duplicate key (or a broken list)
            notes.append(f"line {i + 1} duplicated")
        elif op == 3 and lines:
            lines[i] = lines[i] + rng.choice([",", ",,", " // x", " /* x */", "]", "}", "\\"])
            notes.append(f"line {i + 1} suffix")
        elif op == 4 and lines:
            depth = rng.choice([100, 1000, 20_000, 200_000])
            m = re.search(r":\s.*?(,?)$", lines[i])
            if m is not None:
                lines[i] = lines[i][: m.start()] + ": " + nested(depth, "json") + m.group(1)
            notes.append(f"line {i + 1}: nested {depth} deep")
        elif op == 5 and lines:
            del lines[i]
            notes.append(f"line {i + 1} dropped")
        elif lines:
            lines[i] = lines[i].replace('"', rng.choice(["'", "", '\\"', '"\\u0000']), 1)
            notes.append(f"line {i + 1} quote damaged")
    return "\n".join(lines)


# --- YAML and JSON trees ---------------------------------------------------------------------


class _TreeLoader(yaml.SafeLoader):
    pass


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


_TreeLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_TreeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_tree(text: str) -> Any:
    return yaml.load(text, Loader=_TreeLoader)


def _paths(tree: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _paths(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += _paths(value, (*path, index))
    return found


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def copy_tree(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: copy_tree(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [copy_tree(v) for v in tree]
    return tree


def mutate_tree(tree: Any, rng: random.Random, notes: Notes,
                value_of: Callable[[random.Random], Any] | None = None) -> Any:
    """Set nodes to nasty values (or drawn ones), drop keys and items, duplicate items, change
    container types, add keys, nest deeply, repeat lists."""
    tree = copy_tree(tree)
    for _ in range(rng.choice([1, 1, 2, 3, 5])):
        paths = [p for p in _paths(tree) if p]
        if not paths:
            return rng.choice(tree_values(rng))
        path = rng.choice(paths)
        parent = _get(tree, path[:-1])
        key = path[-1]
        where = ".".join(map(str, path))
        op = rng.randrange(10)
        if op <= 3:
            value = value_of(rng) if value_of is not None and rng.random() < 0.4 else rng.choice(tree_values(rng))
            parent[key] = value
            notes.append(f"{where} = {value!r:.60}")
        elif op == 4:
            del parent[key]
            notes.append(f"{where} deleted")
        elif op == 5 and isinstance(parent, list):
            times = rng.choice([1, 2, 10, 100, 1000])
            parent[key + 1: key + 1] = [copy_tree(parent[key]) for _ in range(times)]
            notes.append(f"{where} repeated ×{times}")
        elif op == 6:
            node = parent[key]
            if isinstance(node, dict):
                parent[key] = list(node.values()) if rng.random() < 0.5 else list(node.items())
            elif isinstance(node, list):
                parent[key] = {str(i): v for i, v in enumerate(node)} if rng.random() < 0.5 else (node[0] if node else None)
            else:
                parent[key] = rng.choice([[node], {"value": node}, {str(node): node}])
            notes.append(f"{where} container type changed")
        elif op == 7:
            node = parent[key]
            depth = rng.choice([10, 100, 250])  # deeper nesting is written as text (nested())
            for _ in range(depth):
                node = [node] if rng.random() < 0.5 else {"a": node}
            parent[key] = node
            notes.append(f"{where} nested {depth} deep")
        elif op == 8 and isinstance(parent, dict):
            extra = rng.choice(["unknown", "", "0", "__proto__", "$ref", "income", "year", "长" * 50, "None"])
            parent[extra] = rng.choice(tree_values(rng))
            notes.append(f"{'.'.join(map(str, path[:-1]))}.{extra!r} added")
        else:
            node = parent[key]
            if isinstance(node, list) and node:
                rng.shuffle(node)
                notes.append(f"{where} shuffled")
            else:
                parent[key] = str(node) if not isinstance(node, str) else node * rng.choice([2, 1000])
                notes.append(f"{where} as text")
    return tree


GENTLE_AMOUNTS = ["0", "0.00", "0.01", "-0.01", "-1", "1", "100", "0.005", "0.0000000001", "999999999999999999.99",
                  "123456789012345678", "1E+17", "1E-10", "3.14159265", "1000000000000", "0.1", "99.995"]
GENTLE_TEXTS = ["", " ", "x", "长" * 5000, "[bold]x[/]", "[/]", "<script>alert(1)</script>", "{{ x }}", "=1+1",
                "# x", "\u202e反", "a\u200bb", "一般公共预算财政拨款", "（类）（款）（项）", "2020年", "%", "…"]


def gentle_value(node: Any, rng: random.Random, codes: list[str]) -> Any:
    """A value of the same type as ``node``: numbers stay numbers, codes stay codes."""
    if isinstance(node, bool):
        return not node
    if isinstance(node, int | float | Decimal):
        r = rng.random()
        if r < 0.6:
            return Decimal(rng.choice(GENTLE_AMOUNTS))
        if r < 0.8 and isinstance(node, Decimal | int):
            return Decimal(node) * rng.choice([Decimal(10), Decimal(-1), Decimal("0.1"), Decimal(1000000)])
        return Decimal(rng.randrange(10**rng.randint(1, 12))) / 100
    if isinstance(node, str):
        if node.isdigit() and codes:
            same = [c for c in codes if len(c) == len(node)]
            return rng.choice(same or codes)
        return rng.choice(GENTLE_TEXTS) if rng.random() < 0.7 else node * rng.choice([2, 50])
    return node


def mutate_tree_gently(tree: Any, rng: random.Random, notes: Notes, codes: list[str]) -> Any:
    """Mutations that mostly keep the filing readable: values of the same type, list items
    repeated, dropped and shuffled, optional keys dropped — so the tables, rules and
    documents run on strange but valid data."""
    tree = copy_tree(tree)
    for _ in range(rng.choice([1, 2, 3, 5, 10])):
        paths = [p for p in _paths(tree) if p]
        if not paths:
            return tree
        path = rng.choice(paths)
        parent = _get(tree, path[:-1])
        key = path[-1]
        where = ".".join(map(str, path))
        node = parent[key]
        op = rng.randrange(6)
        if op <= 2 and not isinstance(node, dict | list):
            parent[key] = gentle_value(node, rng, codes)
            notes.append(f"{where} = {parent[key]!r:.40}")
        elif op == 3 and isinstance(parent, list):
            times = rng.choice([1, 1, 2, 5, 20, 200])
            parent[key + 1: key + 1] = [copy_tree(node) for _ in range(times)]
            notes.append(f"{where} repeated ×{times}")
        elif op == 4 and isinstance(node, list) and node:
            if rng.random() < 0.5:
                rng.shuffle(node)
                notes.append(f"{where} shuffled")
            else:
                del node[rng.randrange(len(node))]
                notes.append(f"{where} item dropped")
        elif op == 5 and isinstance(parent, dict) and len(path) > 1:
            del parent[key]
            notes.append(f"{where} dropped")
    return tree


class _Dumper(yaml.SafeDumper):
    pass


def _decimal_text(value: Decimal) -> str:
    """A Decimal as a YAML 1.1 float (with a dot, so that it needs no !!float tag)."""
    if not value.is_finite():
        return {"NaN": ".nan", "sNaN": ".nan", "Infinity": ".inf", "-Infinity": "-.inf"}[str(value)]
    text = f"{value:f}"
    return text if "." in text else text + ".0"


_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", _decimal_text(v)))
_Dumper.add_representer(Raw, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", f"@@RAW{id(v)}@@"))


def _raws(tree: Any, found: dict[int, Raw]) -> None:
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Raw):
            found[id(node)] = node
        elif isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _unraw(text: str, tree: Any) -> str:
    raws: dict[int, Raw] = {}
    _raws(tree, raws)
    for key, raw in raws.items():
        token = f"@@RAW{key}@@"
        for quoted in (f"'{token}'", f'"{token}"', token):
            text = text.replace(quoted, raw.text)
    return text


def dump_yaml(tree: Any, rng: random.Random) -> str:
    try:
        text = yaml.dump(tree, Dumper=_Dumper, allow_unicode=rng.random() < 0.8, sort_keys=False,
                         default_flow_style=rng.random() < 0.1, width=rng.choice([80, 10**9]))
    except (yaml.YAMLError, RecursionError, ValueError):
        return dump_json(tree, rng)
    return _unraw(text, tree)


def _str_keys(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {(k if isinstance(k, str | int | float | bool) or k is None else str(getattr(k, "text", k))):
                _str_keys(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_str_keys(v) for v in tree]
    return tree


def dump_json(tree: Any, rng: random.Random) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"@@DEC{value}@@"
        if isinstance(value, Raw):
            return f"@@RAW{id(value)}@@"
        return str(value)

    ascii_only, indent = rng.random() < 0.3, rng.choice([2, 2, None])
    try:
        try:
            text = json.dumps(tree, ensure_ascii=ascii_only, indent=indent, default=default, allow_nan=True)
        except TypeError:  # keys that JSON cannot have
            tree = _str_keys(tree)
            text = json.dumps(tree, ensure_ascii=ascii_only, indent=indent, default=default, allow_nan=True)
    except (RecursionError, ValueError):
        return "[" * 100_000 + "]" * 100_000
    text = re.sub(r'"@@DEC(.*?)@@"', r"\1", text)
    return _unraw(text, tree)


# --- published reports as text ----------------------------------------------------------------

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
# the longest line a report mutation makes (past the readers' MAX_REPORT_CHARS, so that bound is met)
MAX_LINE_CHARS = 8_000_000


def mutate_report(text: str, rng: random.Random, notes: Notes, headings: list[str],
                  junk: list[str]) -> str:
    """Lines dropped, inserted, swapped; numbers, cells and headings changed; blocks repeated;
    very long lines."""
    lines = text.split("\n")
    for _ in range(rng.choice([1, 2, 3, 5, 10, 30])):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        op = rng.randrange(11)
        if op == 0:
            del lines[i: i + rng.choice([1, 1, 5, 40])]
            notes.append(f"lines from {i + 1} dropped")
        elif op == 1:
            lines.insert(i, rng.choice(junk))
            notes.append(f"line {i + 1} inserted")
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            notes.append(f"lines {i + 1}↔{j + 1}")
        elif op <= 4:  # a number
            numbered = [k for k, line in enumerate(lines) if len(line) < 5000 and _NUMBER.search(line)]
            if numbered:
                k = rng.choice(numbered)
                matches = list(_NUMBER.finditer(lines[k]))
                m = rng.choice(matches)
                new = rng.choice(NUMBER_TEXTS) if rng.random() < 0.7 else long_digits(rng)
                lines[k] = lines[k][: m.start()] + new + lines[k][m.end():]
                notes.append(f"line {k + 1}: number {m.group()} → {new[:30]}")
        elif op == 5:  # a table cell
            rows = [k for k, line in enumerate(lines) if " | " in line]
            if rows:
                k = rng.choice(rows)
                cells = lines[k].split(" | ")
                c = rng.randrange(len(cells))
                cells[c] = rng.choice([*junk, "", "|", " | ", *NUMBER_TEXTS])
                if rng.random() < 0.2:
                    factor = rng.choice([2, 100, 5000])
                    # no line past MAX_LINE_CHARS: the harness must not run out of memory making
                    # an input (seed 1 #20429; the same draws, so every other input is unchanged)
                    if sum(len(c) + 3 for c in cells) * factor <= MAX_LINE_CHARS:
                        cells = cells * factor
                lines[k] = " | ".join(cells)
                notes.append(f"line {k + 1}: cell changed")
        elif op == 6:  # a heading
            if rng.random() < 0.5:
                lines.insert(i, rng.choice(headings))
                notes.append(f"line {i + 1}: heading inserted")
            else:
                heads = [k for k, line in enumerate(lines) if line in headings]
                if heads:
                    k = rng.choice(heads)
                    lines[k] = rng.choice([rng.choice(headings), lines[k] * 2, lines[k][:2],
                                           lines[k].replace("部分", "部份"), "第九十九部分" + lines[k],
                                           lines[k] + "（续）", ""])
                    notes.append(f"line {k + 1}: heading changed")
        elif op == 7:  # repeat a block
            k = rng.choice([1, 5, 30, 200])
            times = rng.choice([2, 10, 100, 1000])
            block = lines[i: i + k]
            chars = sum(len(line) + 1 for line in block)
            times = max(1, min(times, 300_000 // max(1, len(block)), 5_000_000 // max(1, chars)))
            lines[i + k: i + k] = block * times
            notes.append(f"lines {i + 1}–{i + k} repeated ×{times}")
        elif op == 8:  # a very long line
            size = rng.choice([10_000, 200_000, 2_000_000])
            unit = rng.choice(["长", "1", "1.00 | ", "增加", "。", "9", " ", "\t", "万元，", "%"])
            lines.insert(i, unit * (size // len(unit)))
            notes.append(f"line {i + 1}: {size} characters of {unit!r}")
        elif op == 9:  # a piece of text into a line
            token = rng.choice(["\f", "\x00", "\r", "\u2028", "\ufeff", "\ud800", "（", "）", "：", "%",
                                "万元", "元", "亿元", "第", "部分", " | ", "|", "\t", "\u3000", "…"])
            k = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:k] + token + lines[i][k:]
            notes.append(f"line {i + 1}: {token!r} inserted")
        else:  # cut the report short
            lines = lines[: rng.randint(1, len(lines))]
            notes.append(f"cut to {len(lines)} lines")
    return "\n".join(lines)


# --- HTML -------------------------------------------------------------------------------------

CHARSETS = [None, "utf-8", "gb2312", "gbk", "gb18030", "big5", "iso-8859-1", "utf-16", "utf-32",
            "bogus-charset", "x-user-defined", '"><script>', "", "utf-7", "unicode", "windows-1252"]


def _span(rng: random.Random, p: float) -> str:
    out = ""
    if rng.random() < p:
        out += f' colspan="{rng.choice(SPANS)}"'
    if rng.random() < p:
        out += f' rowspan="{rng.choice(SPANS)}"'
    return out


def html_of(text: str, rng: random.Random, notes: Notes) -> str:
    """A report as a web page: lines as paragraphs, " | " runs as tables, with wild spans,
    nesting and markup."""
    p_span = rng.choice([0.0, 0.0, 0.05, 0.3])
    out: list[str] = []
    rows: list[str] = []
    for line in [*text.split("\n"), ""]:
        if " | " in line:
            tag = rng.choice(["td", "td", "td", "th"])
            rows.append("<tr>" + "".join(f"<{tag}{_span(rng, p_span)}>{html.escape(c.strip())}</{tag}>"
                                         for c in line.split("|")) + "</tr>")
            continue
        if rows:
            out.append("<table border=1>" + "".join(rows) + "</table>")
            rows = []
        out.append(rng.choice(["<p>{}</p>", "<div>{}</div>", "<h2>{}</h2>", "{}<br>", "<li>{}",
                               "<span>{}</span>", "<p><b>{}</b></p>"]).format(html.escape(line)))
    if p_span:
        notes.append(f"colspan/rowspan on {p_span:.0%} of cells")
    body = "\n".join(out)
    for _ in range(rng.choice([0, 0, 1, 3])):
        op = rng.randrange(6)
        if op == 0:
            depth = rng.choice([100, 1000, 10_000, 100_000])
            tag = rng.choice(["div", "span", "table><tr><td", "b", "font", "ul"])
            close = "</td></tr></table>" if tag.startswith("table") else f"</{tag}>"
            body = f"<{tag}>" * depth + body + close * rng.choice([depth, 0])
            notes.append(f"nested {depth} deep in <{tag.split('>')[0]}>")
        elif op == 1:
            junk = rng.choice(["<script>var x = '<table>';</script>", "<style>td{}</style>", "<!--",
                               "</td></tr></table>", "<td>", "<tr>", "<table>", "&#99999999;&bogus;",
                               "<![CDATA[x]]>", "<?php echo 1 ?>", "\x00", "<td colspan=999999999>x",
                               "<table>" + "<tr><td rowspan=65534>1</td></tr>" * 50 + "</table>",
                               "<table><tr>" + "<td colspan=1000>1</td>" * 1000 + "</tr></table>",
                               "<meta charset=utf-16>", "<base href='file:///'>", "<frameset>"])
            k = rng.randrange(len(body) + 1)
            body = body[:k] + junk + body[k:]
            notes.append(f"markup {junk[:30]!r} inserted")
        elif op == 2:
            body = body.replace("</tr>", "", rng.randint(1, 50))
            notes.append("</tr> dropped")
        elif op == 3:
            body = body.replace("<table", "<table><tr><td><table", rng.randint(1, 5))
            notes.append("tables nested in cells")
        elif op == 4:
            body = re.sub(r"<td>", lambda _: f"<td{_span(rng, 1.0)}>", body, count=rng.randint(1, 30))
            notes.append("spans on the first cells")
        else:
            body = body[: rng.randrange(len(body) + 1)]
            notes.append("page cut short")
    charset = rng.choice(CHARSETS)
    meta = "" if charset is None else rng.choice([
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        f'<meta charset="{charset}">'])
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if rng.random() < 0.1 else ""
    doctype = rng.choice(["<!DOCTYPE html>", "", "<!doctype html public '-//W3C//DTD HTML 4.01//EN'>"])
    notes.append(f"charset {charset}")
    return f"{head}{doctype}<html><head>{meta}<title>决算</title></head><body>{body}</body></html>"


# --- ZIP-based (DOCX, XLSX) -------------------------------------------------------------------


def rewrite_zip(data: bytes, change: Callable[[str, bytes], bytes | None],
                extra: dict[str, bytes] | None = None) -> bytes:
    """The ZIP with each member passed through ``change`` (None drops it) and ``extra`` added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name in source.namelist():
            new = change(name, source.read(name))
            if new is not None:
                archive.writestr(name, new)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_template: dict[str, bytes] = {}


def _docx_template() -> dict[str, bytes]:
    """The members of python-docx's blank document (made once)."""
    if not _template:
        import docx

        buffer = io.BytesIO()
        docx.Document().save(buffer)
        with zipfile.ZipFile(buffer) as archive:
            _template.update({name: archive.read(name) for name in archive.namelist()})
    return _template


def _w_p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r></w:p>'


def _w_table(rows: list[list[str]]) -> str:
    """A table as python-docx writes it, with the first column's top two cells merged
    (vMerge) and the last two cells of the first row merged (gridSpan)."""
    width = max(len(row) for row in rows)
    merge = len(rows) > 1 and width > 1
    out = ['<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/></w:tblPr>'
           "<w:tblGrid>" + '<w:gridCol w:w="1000"/>' * width + "</w:tblGrid>"]
    for r, row in enumerate(rows):
        cells = []
        c = 0
        while c < width:
            value = row[c] if c < len(row) else ""
            props = '<w:tcW w:type="dxa" w:w="1000"/>'
            if merge and c == 0 and r < 2:
                props += '<w:vMerge w:val="restart"/>' if r == 0 else "<w:vMerge/>"
            if merge and r == 0 and c == width - 2:
                props += '<w:gridSpan w:val="2"/>'
                value += row[c + 1] if c + 1 < len(row) else ""
                c += 1
            cells.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{_w_p(value)}</w:tc>")
            c += 1
        out.append("<w:tr>" + "".join(cells) + "</w:tr>")
    return "".join(out) + "</w:tbl>"


def docx_of(text: str) -> bytes:
    """A report as a Word document: lines as paragraphs, runs of " | " lines as tables
    (document.xml written as text into python-docx's blank document)."""
    template = _docx_template()
    body: list[str] = []
    rows: list[list[str]] = []
    for line in [*_XML_UNSAFE.sub("", text).split("\n")[:20_000], ""]:
        if " | " in line:
            rows.append([cell.strip() for cell in line.split("|")][:200])
            continue
        if rows:
            body.append(_w_table(rows))
            rows = []
        body.append(_w_p(line))
    xml = template["word/document.xml"].decode("utf-8")
    at = xml.index("<w:body>") + len("<w:body>")
    xml = xml[:at] + "".join(body) + xml[at:]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in template.items():
            archive.writestr(name, xml.encode("utf-8") if name == "word/document.xml" else content)
    return buffer.getvalue()


def mutate_docx_xml(xml: str, rng: random.Random, notes: Notes) -> str:
    """gridSpan, vMerge, gridBefore/After, nested and broken tables in word/document.xml."""
    for _ in range(rng.choice([1, 2, 4, 10])):
        op = rng.randrange(8)
        if op <= 2:
            count = xml.count("<w:tcPr>") or 1
            k = rng.randrange(count)
            element = rng.choice([
                f'<w:gridSpan w:val="{rng.choice(SPANS)}"/>', '<w:vMerge w:val="restart"/>',
                "<w:vMerge/>", '<w:vMerge w:val="continue"/>', f'<w:vMerge w:val="{rng.choice(SPANS)}"/>',
                f'<w:hMerge w:val="{rng.choice(["restart", "continue"])}"/>'])
            parts = xml.split("<w:tcPr>")
            if len(parts) > 1:
                idx = 1 + k % (len(parts) - 1)
                parts[idx] = element + parts[idx]
                xml = "<w:tcPr>".join(parts)
            notes.append(f"tcPr {k}: {element}")
        elif op == 3:
            val = rng.choice(SPANS)
            xml = xml.replace("<w:tr>", f'<w:tr><w:trPr><w:gridBefore w:val="{val}"/>'
                              f'<w:gridAfter w:val="{rng.choice(SPANS)}"/></w:trPr>', rng.randint(1, 5))
            notes.append(f"gridBefore {val}")
        elif op == 4:
            xml = xml.replace("</w:tc>", "", rng.randint(1, 10))
            notes.append("</w:tc> dropped")
        elif op == 5:
            tables = re.findall(r"<w:tbl>.*?</w:tbl>", xml, flags=re.S)
            if tables:
                table = rng.choice(tables)
                xml = xml.replace("<w:p>", "<w:tbl><w:tr><w:tc>" + table + "<w:p/></w:tc></w:tr></w:tbl><w:p>", 1)
                notes.append("table nested")
        elif op == 6:
            texts = list(re.finditer(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
            if texts:
                m = rng.choice(texts)
                new = html.escape(rng.choice([*NUMBER_TEXTS, "一般公共预算财政拨款支出决算表", "长" * 100_000]))
                xml = xml[: m.start(1)] + new + xml[m.end(1):]
                notes.append("text changed")
        else:
            rows = re.findall(r"<w:tr[ >].*?</w:tr>", xml, flags=re.S)
            if rows:
                row = rng.choice(rows)
                times = rng.choice([2, 100, 3000])
                xml = xml.replace(row, row * times, 1)
                notes.append(f"row repeated ×{times}")
    return xml


def mutate_docx(data: bytes, rng: random.Random, notes: Notes) -> bytes:
    op = rng.random()
    if op < 0.6:
        def change(name: str, content: bytes) -> bytes:
            if name == "word/document.xml":
                return mutate_docx_xml(content.decode("utf-8"), rng, notes).encode("utf-8")
            return content

        return rewrite_zip(data, change)
    if op < 0.75:
        dropped = rng.choice(["word/styles.xml", "[Content_Types].xml", "word/_rels/document.xml.rels",
                              "_rels/.rels", "word/numbering.xml", "docProps/core.xml"])
        notes.append(f"member {dropped} dropped")
        return rewrite_zip(data, lambda name, content: None if name == dropped else content)
    if op < 0.85:
        name = rng.choice(["word/document.xml", "word/styles.xml", "[Content_Types].xml"])
        content_bytes = rng.choice([b"", b"<", b"\x00" * 100, b"<?xml version='1.0'?><x/>",
                                    b"<!DOCTYPE x [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
                                    b"<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>"
                                    b"<!ENTITY e '&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;'>]><x>&e;&e;&e;&e;</x>",
                                    b"<!DOCTYPE x [<!ENTITY f SYSTEM 'file:///etc/hostname'>]><x>&f;</x>"])
        notes.append(f"member {name} replaced by {content_bytes[:30]!r}")
        return rewrite_zip(data, lambda n, c: content_bytes if n == name else c)
    return mutate_bytes(data, rng, notes)


def a1(col: int, row: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def mutate_xlsx_cells(data: bytes, rng: random.Random, notes: Notes) -> bytes:
    """Through openpyxl: cells set to nasty values, rows and columns inserted and deleted,
    ranges merged, sheets renamed, removed, copied and reordered."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    values: list[Any] = [*NUMBER_TEXTS, 0, -1, 1e308, -1e308, 5e-324, 10**15, 10**30, True, False, None,
                         "=1/0", "=SUM(A1:A3)", "=A1", "#DIV/0!", "#REF!", "长" * 32767, "",
                         "一般公共预算财政拨款支出决算表", "单位：元", "合计", "科目编码", "2010301", "201",
                         Decimal("1E+30"), 1.005, 0.1 + 0.2]
    for _ in range(rng.choice([1, 2, 5, 20])):
        sheet = rng.choice(book.worksheets)
        op = rng.randrange(8)
        rows, cols = max(sheet.max_row, 1), max(sheet.max_column, 1)
        if op <= 2:
            r, c = rng.randrange(rows + 2), rng.randrange(cols + 2)
            value = rng.choice(values)
            try:
                cell = sheet.cell(row=r + 1, column=c + 1)
                if type(cell).__name__ != "MergedCell":
                    cell.value = value
                    notes.append(f"{sheet.title}!{a1(c, r)} = {value!r:.30}")
            except (ValueError, TypeError):
                pass
        elif op == 3:
            at, n = rng.randint(1, rows), rng.choice([1, 1, 5, 1000])
            if rng.random() < 0.5:
                sheet.insert_rows(at, n)
            else:
                sheet.delete_rows(at, n)
            notes.append(f"{sheet.title}: rows at {at} ±{n}")
        elif op == 4:
            at = rng.randint(1, cols)
            if rng.random() < 0.5:
                sheet.insert_cols(at, rng.choice([1, 3]))
            else:
                sheet.delete_cols(at, 1)
            notes.append(f"{sheet.title}: column {at} inserted/deleted")
        elif op == 5:
            r1, c1 = rng.randrange(rows), rng.randrange(cols)
            r2, c2 = min(r1 + rng.choice([0, 1, 3]), rows + 5), min(c1 + rng.choice([1, 2, 10]), cols + 5)
            try:
                sheet.merge_cells(f"{a1(c1, r1)}:{a1(c2, r2)}")
                notes.append(f"{sheet.title}: merged {a1(c1, r1)}:{a1(c2, r2)}")
            except (ValueError, TypeError, KeyError):
                pass
        elif op == 6:
            title = rng.choice(["表1", "收入决算表", "支出决算表", "", "Sheet", "'", "x" * 31,
                                *(s.title for s in book.worksheets)])
            try:
                sheet.title = title or "空"
                notes.append(f"sheet renamed {title!r}")
            except ValueError:
                pass
        else:
            choice = rng.randrange(3)
            if choice == 0 and len(book.worksheets) > 1:
                book.remove(sheet)
                notes.append(f"sheet {sheet.title} removed")
            elif choice == 1:
                book.copy_worksheet(sheet)
                notes.append(f"sheet {sheet.title} copied")
            else:
                book.move_sheet(sheet, offset=rng.randint(-5, 5))
                notes.append(f"sheet {sheet.title} moved")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def mutate_xlsx_xml(data: bytes, rng: random.Random, notes: Notes) -> bytes:
    """The sheet XML itself: huge dimensions, far cells, huge merges, bad references."""
    target = rng.choice([n for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
                         if n.startswith("xl/worksheets/sheet")] or ["xl/worksheets/sheet1.xml"])
    op = rng.randrange(9)

    def change(name: str, content: bytes) -> bytes:
        if name == "xl/sharedStrings.xml" and op == 7:
            notes.append("sharedStrings emptied")
            return b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
        if name != target:
            return content
        xml = content.decode("utf-8")
        if op == 0:
            ref = rng.choice(["A1:XFD1048576", "A1:ZZZZZ99999999", "A1:A1048576", "A1:XFD1", "B2:A1", "", "x"])
            xml = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', xml)
            if "<dimension" not in xml:
                xml = xml.replace("<sheetData", f'<dimension ref="{ref}"/><sheetData', 1)
            notes.append(f"{name}: dimension {ref}")
        elif op == 1:
            row = rng.choice(["1048576", "100000", "2000000", "0", "-1", "abc"])
            col = rng.choice(["XFD", "ZZ", "AAAA", "A"])
            xml = xml.replace("</sheetData>", f'<row r="{row}"><c r="{col}{row}"><v>1</v></c></row></sheetData>')
            notes.append(f"{name}: cell {col}{row}")
        elif op == 2:
            ref = rng.choice(["A1:XFD1048576", "A1:Z100000", "A1:XFD1", "C3:A1", "A1:A1", "A0:B0", "1:2"])
            merge = f'<mergeCell ref="{ref}"/>'
            if "<mergeCells" in xml:
                xml = re.sub(r"<mergeCells[^>]*>", lambda m: m.group(0) + merge, xml, count=1)
            else:
                xml = xml.replace("</sheetData>", f'</sheetData><mergeCells count="1">{merge}</mergeCells>')
            notes.append(f"{name}: mergeCell {ref}")
        elif op == 3:
            xml = re.sub(r'<c r="[A-Z]+\d+"', lambda m: f'<c r="{rng.choice(["A0", "0", "", "ZZZZZ1", "A99999999", "a1"])}"'
                         if rng.random() < 0.1 else m.group(0), xml)
            notes.append(f"{name}: cell references damaged")
        elif op == 4:
            xml = re.sub(r"<v>([^<]*)</v>", lambda m: f"<v>{rng.choice(['99999999', '-1', 'x', '1e999', 'NaN', ''])}</v>"
                         if rng.random() < 0.1 else m.group(0), xml)
            notes.append(f"{name}: values damaged")
        elif op == 5:
            rows = re.findall(r"<row [^>]*>.*?</row>", xml, flags=re.S)
            if rows:
                xml = xml.replace("</sheetData>", rng.choice(rows) * rng.choice([10, 1000, 30000]) + "</sheetData>")
                notes.append(f"{name}: a row repeated")
        elif op == 6:
            xml = xml.replace("<sheetData", '<cols><col min="1" max="16384" width="9"/></cols><sheetData', 1)
            notes.append(f"{name}: a column spec over 16384 columns")
        elif op == 8:
            xml = re.sub(r'<c r="([A-Z]+\d+)"([^>]*)>', lambda m: f'<c r="{m.group(1)}" t="{rng.choice(["s", "e", "b", "inlineStr", "d", "x"])}">'
                         if rng.random() < 0.1 else m.group(0), xml)
            notes.append(f"{name}: cell types damaged")
        return xml.encode("utf-8")

    return rewrite_zip(data, change)


# --- PDF -------------------------------------------------------------------------------------

_PDF_NUMBERS = re.compile(rb"/(Length|Count|Size|W|Width|Height|BitsPerComponent|Columns|Predictor|First|N|Rotate|MediaBox|CropBox|Prev|XRefStm)(\s*\[?\s*)(-?\d+(?:\.\d+)?)")


def mutate_pdf(data: bytes, rng: random.Random, notes: Notes) -> bytes:
    op = rng.random()
    if op < 0.3:
        cut = rng.randrange(len(data))
        notes.append(f"truncated at {cut}/{len(data)}")
        return data[:cut]
    if op < 0.55:
        matches = list(_PDF_NUMBERS.finditer(data))
        buffer = data
        for _ in range(rng.choice([1, 2, 5])):
            if not matches:
                break
            m = rng.choice(matches)
            new = rng.choice([b"0", b"-1", b"999999999", b"2147483648", b"1e10", b"99999999999999999999", b"3.5", b"x"])
            buffer = buffer.replace(m.group(0), b"/" + m.group(1) + m.group(2) + new, 1)
            notes.append(f"/{m.group(1).decode()} {m.group(3).decode()} → {new.decode()}")
        return buffer
    if op < 0.65:
        # the cross-reference table or the trailer damaged
        at = data.rfind(b"xref")
        if at < 0:
            at = max(0, len(data) - 2000)
        tail = mutate_bytes(data[at:], rng, notes, edits=rng.choice([1, 3, 10]))
        notes.append("xref/trailer damaged")
        return data[:at] + tail
    if op < 0.72:
        notes.append("incremental update appended")
        return data + b"\n1 0 obj\n<< /Type /Pages /Kids [1 0 R] /Count 999999 >>\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Root 1 0 R /Size 2 >>\nstartxref\n0\n%%EOF\n"
    return mutate_bytes(data, rng, notes)
