"""Mutation fuzz of the two examples: nasty values anywhere never crash or hang a command.

Random scalar values of examples/*.yaml (and of their JSON form) are replaced with nasty
ones — huge and tiny exponents, 5,000-digit integers, NaN, Infinity, -0, booleans,
nulls, lists and mappings where a scalar belongs, lone surrogates, NUL bytes, very long
strings and Chinese numerals, deep nesting — and the file goes through ``juesuan check``,
``juesuan tables -f json`` and ``juesuan score -f json``. Each must end with exit code 0,
1 or 2 (findings or a clear read error), with no exception, within ``BUDGET`` seconds.

``JUESUAN_FUZZ_EXAMPLES=2000`` runs a longer hunt than the default.
The failures the hunt found are kept as plain tests at the end.
"""

from __future__ import annotations

import json
import os
import time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.filing.io import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
BUDGET = 20.0  # seconds per command; a normal run takes well under one
COMMANDS = (["check"], ["tables", "-f", "json"], ["score", "-f", "json"])

runner = CliRunner()


class Raw:
    """Text written into the file as is (a number no dumper would write)."""

    def __init__(self, yaml_text: str, json_text: str | None = None) -> None:
        self.yaml_text = yaml_text
        self.json_text = json_text if json_text is not None else yaml_text


def deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


NASTY: list[Any] = [
    # numbers no filing has
    Raw("1.0e-999999999", "1e-999999999"), Raw("1.0e+999999999", "1e999999999"),
    Raw("9" * 5000), Raw("-" + "9" * 5000 + ".5"), Raw("0." + "1" * 40), Raw("1" + "0" * 30),
    Raw("0x" + "f" * 80, "1" + "0" * 80), Raw(".nan", "NaN"), Raw(".inf", "Infinity"),
    Raw("-.inf", "-Infinity"), Raw("-0"), Raw("-0.0"), Raw("1_000", "1000"),
    "1E-999999999", "1e999999999", "1e400", "-0", "NaN", "Infinity", "9" * 5000, "0." + "1" * 30,
    Decimal("-0"), Decimal("1E+30"), Decimal("0E-30"), 10**30, -1, 0, 2020, 2010601,
    # other kinds
    True, False, None, [], {}, [1, 2], {"a": 1}, {"code": "2010601"}, deep(60), deep(10),
    # text
    "", " ", "\t", "-", "\ud800", "a\udfffb", "\x00", "a\x00b", "\x01", "\ufffe", "x" * 100_000,
    "一" * 150_000, "≥" + "9" * 40 + "%", "完成" + "9" * 32 + "件", "近" + "九" * 3000 + "万个",
    "1-" * 3000, "（" * 3000, "应领尽领" * 1000, "2010601", "30101", "县级", "万元", "met", "hubei-2020",
]

# Readable but extreme, by the kind of value they replace, so that most files load and
# every figure and text goes through the tables, the checks and the scoring.
EDGE_NUMBERS: list[Any] = [
    Decimal("999999999999999999.9999999999"), Decimal("-999999999999999999.99"),
    Decimal("0.0000000001"), Decimal("-0.0000000001"), Decimal("0E-10"), Decimal("-0"), Decimal(0),
    "999999999999999999", "-0.0000000001", "0.0000000001", "1,234,567,890,123,456.78", " 7 ",
    999999999999999999, -999999999999999999, 0, -1, 1, Decimal("1E+17"), Decimal("123.4567890123"),
]
EDGE_TEXTS: list[Any] = [
    "≥999999999999999999亿件", "≤0.0000000001个", "999999999999999999.9999999999千万元",
    "0-999999999999999999亿人次", "0%", "≤0个", "0-0件", "100%", "全覆盖", "不低于0.0000000001%",
    "近999999999999999999万多个", "百分之" + "九" * 400, "x" * 499 + "1个", "9" * 64 + "件",
    "一" * 150_000, "x" * 100_000, "完成" + "9" * 32 + "件", "1-" * 3000, "应领尽领" * 1000, "≥",
    "第3季度12月31日前一次性三级全覆盖", "2020年完成0件", "日均最高近0.0000000001万多个", "＜１００％",
    "达到-5%", "全额发放", "（含）" * 1000, "\t", "́", "\u2028\u2029", "😀" * 1000,
]


def pool(original: Any, edge: bool) -> list[Any]:
    """The values that may replace ``original``: extreme ones of its own kind, or anything."""
    if edge and isinstance(original, Decimal | int) and not isinstance(original, bool):
        return EDGE_NUMBERS
    if edge and isinstance(original, str):
        return EDGE_TEXTS
    return NASTY


@cache
def example_data(path: Path) -> Any:
    data, _ = parse_yaml(path.read_text(encoding="utf-8"))
    return data


def scalar_paths(value: Any, path: tuple[Any, ...] = (), *, containers: bool = False) -> list[tuple[Any, ...]]:
    """Paths of every scalar (and of every list and mapping, with ``containers``)."""
    found = [path] if path and (containers or not isinstance(value, dict | list)) else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += scalar_paths(item, (*path, key), containers=containers)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += scalar_paths(item, (*path, index), containers=containers)
    return found


def value_at(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: replaced(v, rest, new) if k == head else v for k, v in value.items()}
    return [replaced(v, rest, new) if i == head else v for i, v in enumerate(value)]


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    # Plain, as a filing writes it (a tag would be refused): 1.5 is a float, -0 an int,
    # 1E+17 (no float in YAML 1.1) a string, which an amount reads too.
    text = str(value)
    kind = "str" if "E" in text else "float" if "." in text else "int"
    return dumper.represent_scalar(f"tag:yaml.org,2002:{kind}", text)


_Dumper.add_representer(Decimal, _decimal)


def render(data: Any, json_format: bool) -> str:
    """The data as YAML or JSON, with every Raw value written as its raw text."""
    raws: list[Raw] = []

    def mark(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value)
            return f"@@RAW{len(raws) - 1}@@"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        if json_format and isinstance(value, Decimal):
            raws.append(Raw(str(value)))
            return f"@@RAW{len(raws) - 1}@@"
        return value

    marked = mark(data)
    if json_format:
        text = json.dumps(marked, ensure_ascii=True, indent=1)
        for n, raw in enumerate(raws):
            text = text.replace(f'"@@RAW{n}@@"', raw.json_text)
    else:
        text = yaml.dump(marked, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**9)
        for n, raw in enumerate(raws):
            text = text.replace(f"'@@RAW{n}@@'", raw.yaml_text).replace(f"@@RAW{n}@@", raw.yaml_text)
    return text


def run_commands(path: Path) -> None:
    for command in COMMANDS:
        start = time.monotonic()
        result = runner.invoke(app, [*command, str(path)])
        took = time.monotonic() - start
        assert result.exit_code in (0, 1, 2), (command, result.exit_code, result.output[-2000:])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command, repr(result.exception))
        assert "Traceback" not in result.output
        assert took < BUDGET, (command, took)


# No shrinking: with values of 150,000 characters it takes minutes, and the failing example
# (path and value drawn) is printed as it is.
FUZZ = settings(max_examples=int(os.environ.get("JUESUAN_FUZZ_EXAMPLES", "25")), deadline=None, derandomize=True,
                phases=[Phase.explicit, Phase.reuse, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@FUZZ
@given(data=st.data(), example=st.sampled_from(EXAMPLES), json_format=st.booleans())
def test_nasty_values_anywhere(data: st.DataObject, example: Path, json_format: bool,
                               tmp_path: Path) -> None:
    filing = example_data(example)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        # Mostly an extreme value of the same kind, so that most files load; sometimes
        # anything anywhere, a list or mapping included.
        edge = data.draw(st.integers(0, 4), label="kind") > 0
        where = data.draw(st.sampled_from(scalar_paths(filing, containers=not edge)), label="path")
        new = data.draw(st.sampled_from(pool(value_at(filing, where), edge)), label="value")
        filing = replaced(filing, where, new)
    path = tmp_path / ("fuzz.json" if json_format else "fuzz.yaml")
    path.write_text(render(filing, json_format), encoding="utf-8", errors="surrogatepass")
    run_commands(path)


@pytest.mark.parametrize("json_format", [False, True])
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_render_unchanged(example: Path, json_format: bool, tmp_path: Path) -> None:
    """The harness itself: an example written back by it reads and passes as the original."""
    path = tmp_path / ("same.json" if json_format else "same.yaml")
    path.write_text(render(example_data(example), json_format), encoding="utf-8")
    original = runner.invoke(app, ["check", str(example), "-f", "json"])
    again = runner.invoke(app, ["check", str(path), "-f", "json"])
    assert again.exit_code == original.exit_code, again.output[-2000:]
    assert json.loads(again.stdout)["summary"] == json.loads(original.stdout)["summary"]


# --- what the hunt found -------------------------------------------------------------------------


def test_scheme_name_too_long_for_a_path(tmp_path: Path) -> None:
    """performance.scheme of 3,000 characters: Path.is_file() raised OSError (name too long)."""
    text = (ROOT / "examples" / "suizhou-zwfw-2020.yaml").read_text(encoding="utf-8")
    path = tmp_path / "filing.yaml"
    path.write_text(text.replace("  scheme: hubei-2020", "  scheme: " + "九" * 3000), encoding="utf-8")
    result = runner.invoke(app, ["score", str(path), "-f", "json"])
    assert result.exit_code == 2, result.output
    assert "找不到评分办法" in result.stderr and "九" * 3000 not in result.stderr
