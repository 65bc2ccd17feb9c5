"""`report` and `score` on mutated example filings: never a traceback, never exit code 3.

The examples' strings are replaced by long, markup-like and odd Unicode text (lone
surrogates are refused by the reader, so they are not generated), amounts by zero and by
huge but valid numbers, lists by empty ones. Whatever the filing says, the commands end
with 0, 1 or 2. ``JUESUAN_FUZZ_EXAMPLES`` sets how many filings are tried (default 6).
"""

from __future__ import annotations

import copy
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.filing.io import FilingReadError, parse_filing_text, parse_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = {
    "suizhou": ROOT / "examples" / "suizhou-zwfw-2020.yaml",
    "shanghai": ROOT / "examples" / "shanghai-putuo-czj-2024.yaml",
}
BASE = {name: parse_yaml(path.read_text(encoding="utf-8"))[0] for name, path in EXAMPLES.items()}
EXAMPLE_COUNT = int(os.environ.get("JUESUAN_FUZZ_EXAMPLES", "6"))

Path_ = tuple[str | int, ...]

ODD = [
    "# 标题", "## 小节", "a # b", "#", "* 列表", "| a | b |", "<b>粗</b>", "<script>x</script>", "{{ x }}",
    "{% if %}", "【待填写：x】", "【", "=1+1", "@SUM(A1)", "http://example.com/x", "第一行\n# 第二行\n\n## 三",
    "\u202eabc", "\u200b", "a\u0301\u0301\u0301", "\U0002a700\U0001f600", "\x01\x02", "\x00", "\t",
    "\u2028", "\ufffe", "\uffff", "'", "''", " ' ", "History", "\\", "[]:*?/", "&amp;", "\r\n", "x" * 3,
]
texts = st.one_of(
    st.sampled_from(ODD),
    st.integers(200, 3000).map(lambda n: "长" * n),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40),
)
amounts = st.sampled_from([
    Decimal(0), Decimal("0.00"), Decimal("-0"), Decimal("0.0000000001"),
    Decimal("999999999999999999.9999999999"), Decimal("123456789012345678"), Decimal("-999999999999999999"),
    Decimal("1E+17"), 1, 0,
])


def paths(data: Any, path: Path_ = ()) -> list[tuple[Path_, Any]]:
    found: list[tuple[Path_, Any]] = [(path, data)] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += paths(value, (*path, i))
    return found


def set_at(data: Any, path: Path_, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def readable(data: Any) -> bool:
    try:
        parse_filing_text(dump(data), "f.json", json_format=True)
    except FilingReadError:
        return False
    return True


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """An example with up to 12 changes, each kept only when the filing stays readable:
    what is tried is how the documents are made of odd filings, not the reader."""
    name = draw(st.sampled_from(sorted(BASE)))
    data = copy.deepcopy(BASE[name])
    for _ in range(draw(st.integers(1, 12))):
        where, value = draw(st.sampled_from(paths(data)))
        new: Any
        if isinstance(value, str):
            new = draw(texts)
        elif isinstance(value, Decimal | int) and not isinstance(value, bool):
            new = draw(amounts)
        elif isinstance(value, list):
            new = []
        else:
            continue
        changed = copy.deepcopy(data)
        set_at(changed, where, new)
        if readable(changed):
            data = changed
    return name, data


def dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "f.json"
    path.write_text(dump(data), encoding="utf-8")
    return path


def run(args: list[str]) -> int:
    # --debug: a failure shows the traceback in the assertion message
    result = CliRunner().invoke(app, ["--debug", *args])
    if result.exit_code not in (0, 1, 2) or not isinstance(result.exception, SystemExit | None):
        pytest.fail(f"juesuan {' '.join(args[:1])} → {result.exit_code}\n{result.output}", pytrace=False)
    return result.exit_code


def run_all(filing: Path, out: Path, formats: str = "html,docx,xlsx,json") -> int:
    """The exit code of ``report``, after every command has run."""
    code = run(["report", str(filing), "-o", str(out / "report"), "-f", formats])
    if code in (0, 1):
        assert len(list((out / "report").iterdir())) == len(formats.split(","))
    for fmt in ("text", "json", "tables"):
        run(["score", str(filing), "-f", fmt])
        run(["score", str(filing), "-f", fmt, "-s", "central-2020"])
    run(["score", str(filing), "-f", "xlsx", "-o", str(out / "s.xlsx"), "-s", "sichuan-2023"])
    run(["check", str(filing), "-f", "json"])
    run(["check", str(filing)])
    run(["tables", str(filing), "-f", "xlsx", "-o", str(out / "t.xlsx")])
    for fmt in ("text", "csv", "json"):
        run(["tables", str(filing), "-f", fmt])
    return code


@settings(max_examples=EXAMPLE_COUNT, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(case=mutated())
def test_mutated_filings(tmp_path_factory: pytest.TempPathFactory, case: tuple[str, Any]) -> None:
    _, data = case
    tmp = tmp_path_factory.mktemp("fuzz")
    run_all(write(tmp, data), tmp)


# Strings that are codes, names of choices or references, not free text.
KEEP = {"code", "scheme", "layout", "level", "fund", "as_of", "level1", "tier", "direction", "unit", "kind",
        "source", "basis"}


def every_text(data: Any, text: str) -> Any:
    if isinstance(data, dict) and "unit" in data and isinstance(data.get("name"), str):
        data = {**data, "unit": text}  # an indicator's unit of measure is free text
    if isinstance(data, dict):
        return {k: v if k in KEEP else every_text(v, text) for k, v in data.items()}
    if isinstance(data, list):
        return [every_text(v, text) for v in data]
    return text if isinstance(data, str) else data


LONG, MARKUP = "长" * 300, "# 标题\n## 小节 <b>{{ x }}</b> | a | 【待填写：x】 =1"


@pytest.mark.parametrize(("name", "text", "formats"), [
    ("suizhou", MARKUP, "html,docx,xlsx,json,pdf"),
    ("suizhou", LONG, "html,docx,xlsx,json"),  # a PDF of these takes half a minute
    ("shanghai", MARKUP, "html,docx,xlsx,json"),
    ("shanghai", LONG, "html,docx,xlsx,json"),
], ids=["suizhou-markup", "suizhou-long", "shanghai-markup", "shanghai-long"])
def test_every_text_replaced(tmp_path: Path, name: str, text: str, formats: str) -> None:
    data = every_text(copy.deepcopy(BASE[name]), text)
    assert run_all(write(tmp_path, data), tmp_path, formats) in (0, 1)  # read, and rendered


def test_long_department_name_in_every_format(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE["shanghai"])
    data["department"]["name"] = LONG + "#" + MARKUP
    assert run_all(write(tmp_path, data), tmp_path, "html,docx,xlsx,json,pdf") in (0, 1)
