"""Scoring never meets a number it cannot compute with, and scheme files are read as guardedly
as filings.

* Amounts of a 自评 (budget, executed, weights) are bounded when the filing is read: a budget
  of 1E-999999999 is a read error (exit code 2) naming the file, line and field, not a
  decimal.Overflow in the scoring.
* Numbers in an indicator's target text are bounded the same way: a 32-digit count is not
  a value (it was a DivisionImpossible); a text longer than MAX_TARGET_CHARS is not read
  for a number at all, and reading is linear (150,000 Chinese numerals took over a minute).
* A scheme file (``--scheme FILE`` or ``performance.scheme: FILE``) goes through the filing
  reader: nesting, aliases, long and huge numbers, tags, duplicate keys and size are read
  errors with a Chinese message naming the scheme file and the line.
"""

from __future__ import annotations

import json
import time
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from juesuan.cli import app
from juesuan.limits import MAX_SCHEME_BYTES, MAX_TARGET_CHARS
from juesuan.performance.targets import parse_actual, parse_target

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "suizhou-zwfw-2020.yaml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
HUBEI = (resources.files("juesuan.performance") / "schemes" / "hubei-2020.yaml").read_text(encoding="utf-8")

runner = CliRunner()


def invoke(*args: object) -> Result:
    start = time.monotonic()
    result = runner.invoke(app, [str(a) for a in args])
    assert time.monotonic() - start < 20, args  # never a hang
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def filing(tmp_path: Path, old: str, new: str, name: str = "filing.yaml") -> Path:
    assert old in EXAMPLE_TEXT, old
    path = tmp_path / name
    path.write_text(EXAMPLE_TEXT.replace(old, new), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


# --- amounts of the 自评 ------------------------------------------------------------------


@pytest.mark.parametrize(("written", "words"), [
    ('"1E-999999999"', ("小数位数过多", "10 位")),
    ("1.0e-999999999", ("小数位数过多", "10 位")),
    ('"1E+999999999"', ("超出可处理的范围", "18 位")),
    ("1.0e+999999999", ("超出可处理的范围", "18 位")),
    ('"0.00000000001"', ("小数位数过多",)),
])
def test_budget_out_of_bounds_is_a_read_error(tmp_path: Path, written: str, words: tuple[str, ...]) -> None:
    path = filing(tmp_path, "budget: 2058 #", f"budget: {written} #")
    for fmt in ("text", "json"):
        result = invoke("score", path, "-f", fmt)
        assert result.exit_code == 2, result.output
        message = result.stderr
        assert f"{path}:{line_of(path, 'budget: ' + written)}" in message, message
        assert "[performance.department.budget]" in message
        assert "应为" in message
        for word in words:
            assert word in message, (word, message)


def test_budget_at_the_bounds_is_scored(tmp_path: Path) -> None:
    """The smallest and largest amounts accepted are computed with, not refused."""
    path = filing(tmp_path, "budget: 2058 #", 'budget: "0.0000000001" #')
    path.write_text(path.read_text(encoding="utf-8").replace(
        "executed: 1722.6725 #", 'executed: "999999999999999999.9999999999" #'), encoding="utf-8")
    result = invoke("score", path, "-f", "json")
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    assert data["evaluations"][0]["execution"]["score"] == "20"  # capped at its weight


# --- numbers in target text ------------------------------------------------------------------


def test_target_with_a_32_digit_count(tmp_path: Path) -> None:
    """Was decimal.DivisionImpossible: the count is no value, the indicator is scored by tier."""
    path = filing(tmp_path, "target: 免费邮寄4000件", "target: 免费邮寄" + "9" * 32 + "件")
    result = invoke("score", path, "-f", "json")
    assert result.exit_code in (0, 1), result.output
    assert parse_target("免费邮寄" + "9" * 32 + "件") is None
    assert parse_target("免费邮寄" + "9" * 18 + "件") is not None  # 18 digits: still a value


@pytest.mark.parametrize("text", [
    "≥" + "9" * 40 + "%", "0." + "1" * 20 + "个", "1-" + "9" * 30 + "件", "9" * 19 + "亿元",
])
def test_numbers_beyond_the_bounds_are_not_values(text: str) -> None:
    for parse in (parse_target, parse_actual):
        target = parse(text)
        assert target is None or target.value is None or target.value.value < 10**27


def test_ranges_keep_only_a_bounded_upper_value() -> None:
    target = parse_target("1-" + "9" * 30 + "件")
    assert target is None or target.upper is None


@pytest.mark.parametrize("text", ["一" * 150_000, "1个" * 75_000, "1-" * 75_000, "≥1个" * 50_000,
                                  "百分之" + "九百" * 50_000, "完成" + "9" * 150_000 + "件"])
def test_long_target_text_is_not_read_for_a_number(text: str) -> None:
    start = time.monotonic()
    assert parse_target(text) is None and parse_actual(text) is None
    assert time.monotonic() - start < 1


def test_reading_is_linear_up_to_the_bound() -> None:
    """The longest text still read takes about as long per character as a short one."""
    for unit in ("一", "1个", "1-", "≥1个", "近1万多个，"):
        text = (unit * MAX_TARGET_CHARS)[:MAX_TARGET_CHARS]
        start = time.monotonic()
        for _ in range(20):
            parse_target(text)
        assert (time.monotonic() - start) / 20 < 0.05, unit


def test_long_target_in_a_filing(tmp_path: Path) -> None:
    path = filing(tmp_path, "target: 免费邮寄4000件", "target: 免费邮寄4000件" + "一" * 150_000)
    result = invoke("score", path, "-f", "json")
    assert result.exit_code in (0, 1), result.output


# --- scheme files ------------------------------------------------------------------------------


def scheme_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "评分办法.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def hubei(old: str, new: str) -> str:
    assert HUBEI.count(old) == 1, old
    return HUBEI.replace(old, new)


LAUGHS = "\n".join(["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
                   + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]) + "\n"
SCORE_LINE = HUBEI.splitlines().index("score_places: 3") + 1
END = len(HUBEI.splitlines()) + 1

SCHEMES = [
    pytest.param(HUBEI + "x: " + "[" * 3000 + "]" * 3000 + "\n", END, ("嵌套层次过深", "50 层"), id="deep"),
    pytest.param(hubei("score_places: 3", "score_places: " + "9" * 5000), SCORE_LINE,
                 ("评分办法文件有误", "位数过多", "应为"), id="5000-digits"),
    pytest.param(hubei("score_places: 3", "score_places: 1.0e+999999999"), SCORE_LINE,
                 ("score_places", "超出可处理的范围", "18 位"), id="integer-exponent"),
    pytest.param(hubei("score_places: 3", "score_places: 1.0e-999999999"), SCORE_LINE,
                 ("score_places", "小数位数过多"), id="tiny-exponent"),
    pytest.param(hubei("score_places: 3", "score_places: 0x" + "f" * 50), SCORE_LINE,
                 ("score_places", "超出可处理的范围"), id="hex"),
    pytest.param(hubei("score_places: 3", "score_places: !!int x"), SCORE_LINE,
                 ("不支持的 YAML 标签", "!!int"), id="tag"),
    pytest.param(hubei("score_places: 3", "score_places: !!python/object:os.system x"), SCORE_LINE,
                 ("不支持的 YAML 标签",), id="python-tag"),
    pytest.param(HUBEI + LAUGHS, END + 5, ("数据项过多",), id="alias-bomb"),
    pytest.param(HUBEI + "name: again\n", END, ("重复的键", "name"), id="duplicate-key"),
    pytest.param(hubei("score_places: 3", 'score_places: 3\ntitle2: "\\ud800"'), SCORE_LINE + 1,
                 ("无效的字符", "U+D800"), id="surrogate"),
]


@pytest.mark.parametrize(("text", "line", "words"), SCHEMES)
def test_bad_scheme_file_is_a_read_error(tmp_path: Path, text: str, line: int,
                                         words: tuple[str, ...]) -> None:
    path = scheme_file(tmp_path, text)
    result = invoke("score", EXAMPLE, "--scheme", path)
    assert result.exit_code == 2, result.output
    message = result.stderr
    assert str(path) in message and "评分办法文件" in message, message
    assert f"第 {line} 行" in message, message
    for word in words:
        assert word in message, (word, message)


def test_scheme_named_in_the_filing_is_read_the_same_way(tmp_path: Path) -> None:
    scheme = scheme_file(tmp_path, hubei("score_places: 3", "score_places: 1.0e+999999999"))
    path = filing(tmp_path, "  scheme: hubei-2020", f"  scheme: {scheme}")
    result = invoke("score", path)
    assert result.exit_code == 2, result.output
    assert str(scheme) in result.stderr and f"第 {SCORE_LINE} 行" in result.stderr


def test_scheme_file_too_large(tmp_path: Path) -> None:
    path = scheme_file(tmp_path, HUBEI + "# " + "x" * MAX_SCHEME_BYTES + "\n")
    result = invoke("score", EXAMPLE, "--scheme", path)
    assert result.exit_code == 2
    assert "文件过大" in result.stderr and "1 MB" in result.stderr


def test_good_scheme_file_still_scores(tmp_path: Path) -> None:
    path = scheme_file(tmp_path, HUBEI)
    assert invoke("score", EXAMPLE, "--scheme", path).exit_code == invoke("score", EXAMPLE).exit_code
