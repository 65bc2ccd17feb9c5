"""libyaml's C parser and PyYAML's pure-Python one read every YAML text alike.

``juesuan.filing.io.parse_yaml`` reads with libyaml (several times faster) and leaves to the
pure-Python reader every text the C path does not take as it stands — errors above all, so
that messages and line numbers stay PyYAML's. These tests read the same texts both ways
(``_WITH_LIBYAML`` switched off for the reference) and require the same data (types,
decimal digits, shared aliases), the same line map, the same model and the same error
messages with the same lines: the bundled examples and schemes, every unreadable case of
test_bad_input, the corners where libyaml and PyYAML are known to differ, damaged filings
(hypothesis, derandomized) and the fuzz harness's YAML mutations (fixed seeds).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juesuan.filing import io
from juesuan.filing.io import FilingReadError, parse_data, parse_filing_text
from test_bad_input import BAD, VALID, damaged

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from fuzzing import mutate  # noqa: E402

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SCHEMES = sorted((ROOT / "src" / "juesuan" / "performance" / "schemes").glob("*.yaml"))

pytestmark = pytest.mark.skipif(not io._WITH_LIBYAML, reason="PyYAML built without libyaml")


@contextmanager
def pure_python() -> Iterator[None]:
    saved = io._WITH_LIBYAML
    io._WITH_LIBYAML = False
    try:
        yield
    finally:
        io._WITH_LIBYAML = saved


def shape(value: Any, ids: dict[int, int] | None = None) -> Any:
    """Data as comparable values: types and reprs (Decimal("1.0") is not Decimal("1.00")),
    containers shared through aliases as references to their first occurrence."""
    ids = {} if ids is None else ids
    if isinstance(value, dict | list):
        if id(value) in ids:
            return ("shared", ids[id(value)])
        ids[id(value)] = len(ids)
        if isinstance(value, dict):
            return ("dict", [(shape(k, ids), shape(v, ids)) for k, v in value.items()])
        return ("list", [shape(v, ids) for v in value])
    return (type(value).__name__, repr(value))


def read(text: str) -> Any:
    """What reading a filing gives: the model and line map, or the messages."""
    try:
        loaded = parse_filing_text(text, "填报.yaml", json_format=False)
    except FilingReadError as error:
        return ("unreadable", str(error), error.problems)
    return ("model", loaded.filing.model_dump(mode="json"), loaded.source_map.lines)


def read_data(text: str) -> Any:
    """What reading any YAML file (a scheme too) gives: the data and line map, or the messages."""
    try:
        data, source_map = parse_data(text, "文件.yaml", json_format=False)
    except FilingReadError as error:
        return ("unreadable", str(error), error.problems)
    return ("data", shape(data), source_map.lines)


def assert_same(text: str) -> None:
    fast = io._parse_yaml_c(text)
    with pure_python():
        try:
            reference: Any = io.parse_yaml(text)
        except Exception as error:  # any error: the C path must have left the text to it
            reference = error
        expected, expected_data = read(text), read_data(text)
    if fast is not None:
        assert not isinstance(reference, Exception), (text[:200], reference)
        assert shape(fast[0]) == shape(reference[0]), text[:200]
        assert fast[1].lines == reference[1].lines, text[:200]
    assert read(text) == expected, text[:200]
    assert read_data(text) == expected_data, text[:200]


# --- the bundled files: read by libyaml, as the pure reader reads them ------------------------


@pytest.mark.parametrize("path", EXAMPLES + SCHEMES, ids=lambda p: p.name)
def test_bundled_files_take_the_c_path_and_read_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert io._parse_yaml_c(text) is not None  # the fast path is the one taken
    assert_same(text)


def test_the_examples_give_the_same_model() -> None:
    for path in EXAMPLES:
        fast = io.load_filing(path)
        with pure_python():
            reference = io.load_filing(path)
        assert fast.filing == reference.filing
        assert fast.filing.model_dump_json() == reference.filing.model_dump_json()
        assert fast.source_map == reference.source_map


def test_which_path_reads_what() -> None:
    assert io._parse_yaml_c("a: 1\n") is not None
    assert io._parse_yaml_c("a: '感叹号!'\n") is not None  # "!": composed in Python, tags seen
    assert io._parse_yaml_c("a: &x [1]\nb: *x\n") is not None  # aliases: the general C way
    # left to the pure-Python reader: errors, tags, tabs, byte order marks after the start
    for text in ["a: !!str 1\n", "a: [1\n", "a:\t1\n", "a: 1\n\ufeff\n", "a: {b: 1.?}\n", "a: 1\na: 2\n",
                 "a: " + "[" * 60 + "]" * 60 + "\n", "a: &a [*a]\n"]:
        assert io._parse_yaml_c(text) is None, text


# --- unreadable and odd texts ---------------------------------------------------------------

BAD_TEXTS = [case for case in BAD if isinstance(case.content, str) and case.suffix == ".yaml"
             and len(case.content) < 1_000_000]

# Where libyaml and PyYAML are known to differ, or could: tabs, byte order marks, flow
# indicators, directives, escapes, line breaks, anchors, merge keys, long keys, nesting.
CORNERS = [
    "a: 1\n", "{a:1}\n", "[a:b]\n", "{a: [b:c, d]}\n", "[? a : b]\n", "{? a}\n", "a: b:c\n",
    "a:\tb\n", "a: b\t\n", "- \t- x\n", "a:\n\t- x\n", "a: 'x\ty'\n", 'a: "x\\ty"\n', "a:\t[1]\n",
    "a: [1,\t2]\n", "a: {b:\t1}\n", "- a\t# c\n", "a: |\n  x\ty\n", "a: x\ty\n", "a: 1 \t\n",
    "a: 1\r\nb: 2\r\n", "a: 1\rb: 2\r", "a: 1\x85b: 2\n", "a: 1\u2028b: 2\n", "a: x\u2029y\n",
    "%YAML 1.1\n---\na: 1\n", "%YAML 1.2\n---\na: 1\n", "%YAML 2.0\n---\na: 1\n", "%FOO bar\n---\na: 1\n",
    "---\na: 1\n...\n", "a: 1\n...\n---\nb: 2\n", "--- a\n", "a: |\n  x\n  y\n", "a: >-\n  x\n\n  y\n",
    "a: |2\n   x\n", "a: 'it''s'\n", 'a: "\\x41\\u00e9\\U0001F600"\n', 'a: "\\N\\_\\L\\P"\n', 'a: "\\/"\n',
    'a: "\\e\\a\\0"\n', 'a: "\\u0001"\n', 'a: "\\ud800"\n', 'a: "\\U00110000"\n',
    "a: &x 1\nb: *x\n", "a: &x [1, 2]\nb: *x\nc: *x\n", "<<: {a: 1}\nb: 2\n",
    "a: &x {k: 1}\nb:\n  <<: *x\n  j: 2\n", "a: <<\n", "a: =\n", "= : 1\n", "a: 2024-01-01\n",
    "a: 1_000\n", "a: 0x1F\n", "a: 017\n", "a: 1:30\n", "a: 1.5e3\n", "a: .inf\n", "a: -.nan\n",
    "a: ~\n", "a: yes\n", "a: 1e3\n", "a: 0b101\n", "a:\n", "? a\n", "? [a]\n: 1\n", "? {a: 1}\n: 2\n",
    "a: b #c\n", "a: b#c\n", "- - - x\n", "a: [\n  1,\n  2\n]\n", "a: [1, 2,]\n", "a: [,]\n",
    'a: "multi\n  line"\n', "a: plain\n  continued\n", "\ufeffa: 1\n", "a: 1\n\ufeffb: 2\n",
    "a: 1\n\ufeff\nb: 2\n", "a: x\ufeff\n", "a: \x7f\n", "a: \x01\n", "a: \ufffe\n", "a: 😀\n",
    "x" * 1100 + ": 1\n", "a: *b\n", "a: &b 1\na2: &b 2\n", "a: &a [*a]\n", "a: !!str 1\n",
    "a: ! 1\n", "a: x!y\n", "a: '!'\n", "%TAG !e! tag:e.com,2000:\n---\na: !e!x 1\n", "a: - 1\n",
    "a: 1\n b: 2\n", " a: 1\nb: 2\n", "a: {b\n", "a: @x\n", "a: `x\n", "", "   \n", "# c\n",
    "[" * 50 + "]" * 50, "[" * 51 + "]" * 51, "a: 1\na: 2\n", "1: a\n'1': b\n", "1: a\n1.0: b\n",
    "true: a\nyes: b\n", "a: {b: 1, b: 2}\n", "a: 1\n---\n", "a: {b: &c 1, d: *c}\n", "&a\n", "*a\n",
    "a:\n" + "".join(" " * (i + 1) + "b:\n" for i in range(55)) + " " * 57 + "1\n",
    mutate.alias_bomb(6), mutate.alias_bomb(9),
    "a: {b: 1.?}\n", "a: [x? y]\n", "a: {l? ow: 1}\n", "[a?b]\n", "a: b?c\n", "a: ?b\n", "? a\n: b\n",
]


@pytest.mark.parametrize("case", BAD_TEXTS, ids=[case.id for case in BAD_TEXTS])
def test_unreadable_cases_give_the_same_messages(case: Any) -> None:
    assert_same(case.content)


@pytest.mark.parametrize("text", CORNERS)
def test_corners_read_the_same(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize("text", CORNERS[:40])
def test_corners_in_a_filing_read_the_same(text: str) -> None:
    assert_same(VALID + "remarks:\n" + "".join("  " + line + "\n" for line in text.splitlines()))


# --- damaged filings ----------------------------------------------------------------------

EXAMPLE_TEXT = EXAMPLES[0].read_text(encoding="utf-8")
YAMLISH = st.sampled_from(list(":-[]{}\"'\n #&*!|>,.0123456789ae年 \t?%@`~\\\ufeff<="))


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.sampled_from([VALID, EXAMPLE_TEXT]),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 2), YAMLISH), min_size=1, max_size=6),
)
def test_damaged_filings_read_the_same(source: str, edits: list[tuple[float, int, str]]) -> None:
    assert_same(damaged(source, edits))


@pytest.mark.parametrize("seed", range(40))
def test_fuzz_mutations_read_the_same(seed: int) -> None:
    """benchmarks/fuzz.py's YAML mutations of the examples and schemes (long runs of the same
    comparison, thousands of inputs, found the tab, byte-order-mark and "?" differences)."""
    rng = random.Random(f"c-parity:{seed}")
    source = rng.choice(EXAMPLES + SCHEMES).read_text(encoding="utf-8")
    text = mutate.mutate_yaml_text(source, rng, [])
    if len(text) > 300_000:  # a million-character line: minutes of pure-Python reading
        text = text[:300_000]
    assert_same(text)


def test_long_texts_are_counted_before_composing() -> None:
    """Past MAX_FILING_NODES / 4 characters libyaml counts the events first: a long list is
    still read in C, one of more values than the bound is left to the pure-Python reader,
    which refuses it where the count passes the bound (no 300 bytes a node for all of them)."""
    long_list = "a: [" + ",".join(["1"] * 60_000) + "]\n"
    assert len(long_list) > io.MAX_FILING_NODES // 4
    assert io._parse_yaml_c(long_list) is not None
    assert_same(long_list)
    too_many = "a: [" + ",".join(["1"] * (io.MAX_FILING_NODES + 10)) + "]\n"
    assert io._parse_yaml_c(too_many) is None
    with pytest.raises(FilingReadError) as caught:
        parse_data(too_many, "多.yaml", json_format=False)
    assert "多.yaml:1: 文件中的数据项过多" in str(caught.value)
