"""Bad input never crashes the command line: exit code 2, a Chinese message, nothing written.

Every unreadable filing must give exit code 2 with a message that names the file and the
line or field path and says what was expected, with no Python traceback and no output
file. Some inputs look suspicious but are fine (a UTF-8 BOM, an amount a float could not
hold) and must load; some are readable but wrong (an unknown code, a repeated row) and
are findings, not read errors. A fuzz test feeds random and damaged text to the reader.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from juesuan.cli import app
from juesuan.filing.io import FilingReadError, load_filing, parse_filing_text
from juesuan.tables.build import build_tables

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "suizhou-zwfw-2020.yaml"

# A complete, consistent filing: `juesuan check` finds nothing wrong (exit code 0).
# Line numbers below (in the cases) refer to this text.
VALID = """\
year: 2020
unit: 万元
department:
  name: 测试局
  region: 测试县
  level: 县级
income:
  - code: "2010601"
    general_budget: "100.00"
expenditure:
  - code: "2010601"
    basic: "100.00"
basic_economic:
  - code: "30101"
    amount: "100.00"
"""

VALID_DATA = {
    "year": 2020,
    "unit": "万元",
    "department": {"name": "测试局", "region": "测试县", "level": "县级"},
    "income": [{"code": "2010601", "general_budget": "100.00"}],
    "expenditure": [{"code": "2010601", "basic": "100.00"}],
    "basic_economic": [{"code": "30101", "amount": "100.00"}],
}


def valid_json(amount: str) -> str:
    """VALID as multi-line JSON with ``amount`` (raw JSON text) as the income amount."""
    text = json.dumps(VALID_DATA, ensure_ascii=False, indent=2)
    assert text.count('"100.00"') == 3
    return text.replace('"100.00"', amount, 1)


def edit(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


runner = CliRunner()


def invoke(*args: object) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    # typer.Exit arrives as SystemExit; any other exception is a crash
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


# --- unreadable files ------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    id: str
    content: str | bytes | None  # None: the case makes its own path
    words: tuple[str, ...]  # must all appear in the message
    line: int | None = None
    field: str | None = None
    suffix: str = ".yaml"


BAD = [
    # malformed YAML
    Bad(
        "yaml-indentation",
        edit("  region: 测试县", "   region: 测试县"),
        ("YAML 格式错误", "缩进不一致", "应为", "左端对齐"),
        line=5,
    ),
    Bad(
        "yaml-indentation-list",
        edit('    general_budget: "100.00"', '   general_budget: "100.00"'),
        ("YAML 格式错误", "缩进", "应为"),
        line=9,
    ),
    Bad(
        "yaml-unclosed-bracket",
        edit(
            'income:\n  - code: "2010601"\n    general_budget: "100.00"\n',
            'income: [{code: "2010601", general_budget: "100.00"}\n',
        ),
        ("YAML 格式错误", "方括号没有闭合", "第 7 行开始", "以“]”结束"),
        line=8,
    ),
    Bad(
        "yaml-unclosed-quote",
        VALID + 'remarks: "未写完\n\n',
        ("YAML 格式错误", "引号", "第 16 行开始", "成对的引号"),
        line=18,
    ),
    Bad("yaml-tab", edit("  region:", "\tregion:"), ("制表符", "用空格缩进"), line=5),
    Bad(
        "yaml-two-documents",
        VALID + "---\nyear: 2021\n",
        ("多个 YAML 文档", "只含一份填报"),
        line=16,
    ),
    Bad("yaml-control-character", edit("测试县", "测试\x01县"), ("控制字符", "U+0001"), line=5),
    Bad("yaml-unhashable-key", edit("  level: 县级", "  [level]: 县级"), ("键不能是列表",), line=6),
    # malformed JSON
    Bad(
        "json-missing-comma",
        '{\n  "year": 2020,\n  "unit": "万元"\n  "department": {}\n}\n',
        ("JSON 格式错误", "缺少逗号"),
        line=4,
        suffix=".json",
    ),
    Bad(
        "json-unterminated",
        valid_json('"100.00"')[:-20],
        ("JSON 格式错误",),
        suffix=".json",
        line=None,
    ),
    # top level not a mapping
    Bad(
        "yaml-top-level-list",
        "- year: 2020\n- unit: 万元\n",
        ("顶层应是键值对", "year", "实际：列表"),
        line=1,
    ),
    Bad("yaml-top-level-text", "# 说明\n决算\n", ("顶层应是键值对", "一段文本"), line=2),
    Bad("json-top-level-list", "[1, 2]", ("顶层应是键值对", "列表"), line=1, suffix=".json"),
    # wrong types
    Bad(
        "year-chinese-numerals",
        edit("year: 2020", 'year: "二〇二〇"'),
        ("应为整数", "二〇二〇"),
        line=1,
        field="year",
    ),
    Bad(
        "level-not-in-enum",
        edit("level: 县级", "level: 区级"),
        ("取值不在允许范围内", "应为", "县级", "乡镇级", "区级"),
        line=6,
        field="department.level",
    ),
    Bad(
        "income-not-a-list",
        edit('  - code: "2010601"\n    general_budget', '  code: "2010601"\n  general_budget'),
        ("应为列表", "每项以“- ”开头"),
        line=7,
        field="income",
    ),
    Bad(
        "income-a-number",
        edit('income:\n  - code: "2010601"\n    general_budget: "100.00"\n', "income: 100\n"),
        ("应为列表",),
        line=7,
        field="income",
    ),
    # amounts
    Bad(
        "amount-abc",
        edit('general_budget: "100.00"', "general_budget: abc"),
        ("“abc”不是数字金额", "应为", "数字金额"),
        line=9,
        field="income[0].general_budget",
    ),
    Bad(
        "amount-abc-quoted",
        edit('basic: "100.00"', 'basic: "abc"'),
        ("不是数字金额", "应为"),
        line=12,
        field="expenditure[0].basic",
    ),
    Bad(
        "json-amount-nan",
        valid_json("NaN"),
        ("有限", "NaN", "应为"),
        field="income[0].general_budget",
        suffix=".json",
    ),
    Bad(
        "json-amount-infinity",
        valid_json("Infinity"),
        ("有限", "Infinity", "应为"),
        field="income[0].general_budget",
        suffix=".json",
    ),
    Bad(
        "json-amount-minus-infinity",
        valid_json("-Infinity"),
        ("有限", "-Infinity"),
        field="income[0].general_budget",
        suffix=".json",
    ),
    Bad(
        "json-year-nan",
        valid_json('"100.00"').replace('"year": 2020', '"year": NaN'),
        ("应为有限数值",),
        field="year",
        suffix=".json",
    ),
    Bad(
        "yaml-amount-inf",
        edit('general_budget: "100.00"', "general_budget: .inf"),
        ("不是数字金额", ".inf", "应为"),
        line=9,
        field="income[0].general_budget",
    ),
    Bad(
        "yaml-amount-minus-inf",
        edit('general_budget: "100.00"', "general_budget: -.inf"),
        ("不是数字金额", "-.inf"),
        line=9,
        field="income[0].general_budget",
    ),
    Bad(
        "yaml-amount-nan",
        edit('general_budget: "100.00"', "general_budget: .nan"),
        ("不是数字金额", ".nan", "应为"),
        line=9,
        field="income[0].general_budget",
    ),
    # codes
    Bad(
        "code-five-digits",
        edit('- code: "2010601"\n    general', '- code: "20106"\n    general'),
        ("科目编码应为 7 位数字", "20106"),
        line=8,
        field="income[0].code",
    ),
    Bad(
        "code-letter-o",
        edit('- code: "2010601"\n    basic', '- code: "2O10601"\n    basic'),
        ("科目编码应为 7 位数字", "2O10601"),
        line=11,
        field="expenditure[0].code",
    ),
    Bad(
        "economic-code-seven-digits",
        edit('code: "30101"', 'code: "3010101"'),
        ("科目编码应为 5 位数字", "3010101"),
        line=14,
        field="basic_economic[0].code",
    ),
    # duplicate keys
    Bad(
        "yaml-duplicate-key",
        edit("  level: 县级\n", "  level: 县级\n  name: 另一个局\n"),
        ("重复的键", "name", "只出现一次"),
        line=7,
    ),
    Bad(
        "yaml-duplicate-key-in-row",
        edit('    basic: "100.00"\n', '    basic: "100.00"\n    basic: "50.00"\n'),
        ("重复的键", "basic"),
        line=13,
    ),
    Bad(
        "json-duplicate-key",
        valid_json('"100.00"').replace('"year": 2020,', '"year": 2020,\n  "year": 2021,'),
        ("重复的键", "year", "只出现一次"),
        line=3,
        suffix=".json",
    ),
    Bad(  # "code" repeats across rows, which is fine; the line is of the repeat in one row
        "json-duplicate-key-in-row",
        valid_json('"100.00"').replace('"basic": "100.00"', '"basic": "100.00", "code": "2010602"'),
        ("重复的键", "code"),
        line=18,
        suffix=".json",
    ),
    # missing sections, unit
    Bad(
        "no-department",
        edit("department:\n  name: 测试局\n  region: 测试县\n  level: 县级\n", ""),
        ("缺少必填项",),
        field="department",
    ),
    Bad(
        "no-income",
        edit('income:\n  - code: "2010601"\n    general_budget: "100.00"\n', ""),
        ("缺少必填项",),
        field="income",
    ),
    Bad("no-unit", edit("unit: 万元\n", ""), ("缺少必填项",), field="unit"),
    Bad(
        "unit-qianyuan",
        edit("unit: 万元", "unit: 千元"),
        ("取值不在允许范围内", "应为", "'元'", "'万元'", "千元"),
        line=2,
        field="unit",
    ),
    Bad("unknown-field", VALID + "remarks: 无\n", ("不认识的字段",), line=16, field="remarks"),
    # encodings and empty files
    Bad("gbk", VALID.encode("gbk"), ("GBK", "UTF-8", "另存"), line=2),
    Bad("gbk-json", valid_json('"100.00"').encode("gbk"), ("GBK", "UTF-8"), suffix=".json"),
    Bad("empty", b"", ("文件是空的", "应为")),
    Bad("whitespace-only", " \n\n\t  \n", ("文件是空的",)),
    Bad("bom-only", b"\xef\xbb\xbf\n", ("文件是空的",)),
    # not a file
    Bad("directory", None, ("目录", "不是文件", "应为")),
    Bad("nonexistent", None, ("文件不存在", "应为")),
    # amounts no budget has: an exponent that would break every later quantize, and
    # integers longer than Python converts
    Bad("amount-exponent", edit('general_budget: "100.00"', "general_budget: 1e400"),
        ("超出可处理的范围", "18 位"), field="income[0].general_budget"),
    Bad("amount-19-digits", edit('general_budget: "100.00"', 'general_budget: "1234567890123456789"'),
        ("超出可处理的范围",), field="income[0].general_budget"),
    Bad("json-endless-integer", valid_json("9" * 5000), ("位数过多",), suffix=".json"),
    Bad("yaml-endless-integer", edit('general_budget: "100.00"', "general_budget: " + "9" * 5000),
        ("位数过多",)),
    # every number is bounded before validation: exponents that would hang pydantic's int
    # check (23 bytes of JSON) or overflow the arithmetic later
    Bad("json-year-tiny-exponent", valid_json('"100.00"').replace('"year": 2020', '"year": 1e-999999999'),
        ("小数位数过多", "10 位", "应为", "1E-999999999"), line=2, field="year", suffix=".json"),
    Bad("json-year-huge-exponent", valid_json('"100.00"').replace('"year": 2020', '"year": 1e999999999'),
        ("超出可处理的范围", "18 位", "应为"), field="year", suffix=".json"),
    Bad("json-amount-tiny-exponent", valid_json("1e-999999999"),
        ("小数位数过多", "10 位"), line=12, field="income[0].general_budget", suffix=".json"),
    Bad("yaml-year-tiny-exponent", edit("year: 2020", "year: 1.0e-999999999"),
        ("小数位数过多", "10 位"), line=1, field="year"),
    Bad("yaml-year-huge-exponent", edit("year: 2020", "year: 1.0e+999999999"),
        ("超出可处理的范围", "18 位"), line=1, field="year"),
    Bad("amount-string-tiny-exponent", edit('general_budget: "100.00"', 'general_budget: "1E-999999999"'),
        ("小数位数过多", "10 位", "应为"), line=9, field="income[0].general_budget"),
    Bad("amount-eleven-places", edit('general_budget: "100.00"', 'general_budget: "100.00000000001"'),
        ("小数位数过多",), line=9, field="income[0].general_budget"),
    Bad("amount-long-text", edit('general_budget: "100.00"', 'general_budget: "' + "1" * 70 + '"'),
        ("超出可处理的范围", "18 位"), line=9, field="income[0].general_budget"),
    Bad("yaml-hex-integer-huge", edit("year: 2020", "year: 0x" + "f" * 40),
        ("超出可处理的范围", "18 位"), line=1, field="year"),
    Bad("yaml-hex-integer-long", edit("year: 2020", "year: 0x" + "f" * 100),
        ("位数过多", "64 个字符"), line=1),
    Bad("json-long-number-line", valid_json('"100.00"').replace('"year": 2020', '"year": 2020.' + "0" * 70),
        ("文件中有位数过多的数字", "64 个字符"), line=2, suffix=".json"),
    # text that is no valid character data: a lone surrogate cannot even be printed
    Bad("json-amount-lone-surrogate", valid_json('"1\\ud800"'),
        ("无效的字符", "U+D800", "代理项", "应为", "1\\ud800"), field="income[0].general_budget",
        suffix=".json"),
    Bad("yaml-amount-lone-surrogate", edit('general_budget: "100.00"', 'general_budget: "1\\ud800"'),
        ("无效的字符", "U+D800", "应为"), line=9, field="income[0].general_budget"),
    Bad("yaml-text-lone-surrogate", edit("name: 测试局", 'name: "测试\\udfff局"'),
        ("无效的字符", "U+DFFF", "应为"), line=4, field="department.name"),
    Bad("json-text-nul", valid_json('"100.00"').replace('"测试局"', '"测试\\u0000局"'),
        ("控制字符", "U+0000", "应为"), field="department.name", suffix=".json"),
    Bad("yaml-text-escaped-control", edit("name: 测试局", 'name: "测试\\x01局"'),
        ("控制字符", "U+0001"), line=4, field="department.name"),
    # explicit YAML tags: a filing needs none, and their constructors fail in ways of their own
    *[Bad(f"yaml-tag-{tag.strip('!').replace('/', '-').split(':')[0]}", edit("year: 2020", f"year: {tag} {value}"),
          ("不支持的 YAML 标签", shown, "应为"), line=1)
      for tag, value, shown in [
          ("!!bool", "maybe", "!!bool"), ("!!int", "abc", "!!int"), ("!!map", "x", "!!map"),
          ("!!float", "nan", "!!float"), ("!!binary", "aGVsbG8=", "!!binary"),
          ("!!timestamp", "x", "!!timestamp"), ("!!python/object:os.system", "x", "!!python/object"),
          ("!foo", "x", "!foo"), ("!!str", "2020", "!!str"), ("!!set", "{a: 1}", "!!set"),
          ("!", "x", "!")]],
    # nesting and size
    Bad("yaml-deep-nesting", edit("year: 2020", "year: " + "[" * 60 + "]" * 60),
        ("嵌套层次过深", "50 层"), line=1),
    Bad("json-deep-nesting", '{\n"year":\n' + "[\n" * 60 + "]\n" * 60 + "}\n",
        ("嵌套层次过深", "50 层"), line=52, suffix=".json"),
    Bad("json-very-deep-nesting", '{"year":\n' + "[" * 100_000, ("嵌套层次过深",), line=2, suffix=".json"),
    # PyYAML's scanner decodes "\U00110000" with chr() and raises ValueError (found by benchmarks/fuzz.py)
    Bad("yaml-escape-beyond-unicode", edit("year: 2020", 'year: "\\U00110000"'),
        ("无效的转义字符",), line=1),
    Bad("too-large", VALID + "# " + "x" * (5 * 1024 * 1024) + "\n", ("文件过大", "5 MB", "应为")),
]


def make_input(case: Bad, tmp_path: Path) -> Path:
    path = tmp_path / f"填报-{case.id}{case.suffix}"
    if case.id == "directory":
        path.mkdir()
    elif isinstance(case.content, bytes):
        path.write_bytes(case.content)
    elif isinstance(case.content, str):
        path.write_text(case.content, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
def test_unreadable_input_exit_2_with_message_and_no_output(
    case: Bad, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = make_input(case, tmp_path)
    out = tmp_path / "out.xlsx"
    before = set(tmp_path.iterdir())
    commands = [
        ["check", path],
        ["check", path, "--format", "json"],
        ["tables", path, "--format", "xlsx", "-o", out],
        ["tables", path, "--format", "xlsx"],  # default name <stem>-tables.xlsx in cwd
    ]
    for command in commands:
        result = invoke(*command)
        assert result.exit_code == 2, (command, result.output)
        no_traceback(result)
        assert result.stdout == "", command  # the message goes to stderr, nothing else
        message = result.stderr
        assert "无法读取填报文件" in message
        assert str(path) in message
        if case.line is not None:
            assert f"{path}:{case.line}" in message, message
        if case.field is not None:
            assert f"[{case.field}]" in message, message
        for word in case.words:
            assert word in message, (word, message)
    assert not out.exists()
    assert set(tmp_path.iterdir()) == before  # nothing written, no temporary files left


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
def test_unreadable_input_raises_filing_read_error(case: Bad, tmp_path: Path) -> None:
    path = make_input(case, tmp_path)
    with pytest.raises(FilingReadError) as caught:
        load_filing(path)
    error = caught.value
    assert error.file == str(path)
    assert error.problems
    if case.line is not None:
        assert case.line in [p.line for p in error.problems]
    if case.field is not None:
        assert case.field in [p.path for p in error.problems]


def test_every_problem_names_line_or_field_when_there_is_one(tmp_path: Path) -> None:
    """Problems inside the file carry a line (YAML) or at least a field path (JSON)."""
    whole_file = {
        "empty",
        "whitespace-only",
        "bom-only",
        "directory",
        "nonexistent",
        "gbk-json",
        "too-large",
    }
    for case in BAD:
        if case.id in whole_file:
            continue
        with pytest.raises(FilingReadError) as caught:
            load_filing(make_input(case, tmp_path))
        for problem in caught.value.problems:
            assert problem.line is not None or problem.path, (case.id, problem)
            if case.suffix == ".yaml":
                assert problem.line is not None, (case.id, problem)


def test_nested_aliases_do_not_explode() -> None:
    """A "billion laughs" file is refused quickly instead of walking 9**8 nodes."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    with pytest.raises(FilingReadError) as caught:
        parse_filing_text("\n".join(lines) + "\n", "laughs.yaml", json_format=False)
    # counted with every alias expanded, refused where the count passes the limit
    assert "laughs.yaml:6: 文件中的数据项过多" in str(caught.value)


@pytest.mark.parametrize(
    "text", ["a: &a [*a]\n", "income: &a [*a]\n", "? {a: 1}\n: 2\n", "a: " + "[" * 5000]
)
def test_odd_yaml_structures_are_read_errors(text: str) -> None:
    with pytest.raises(FilingReadError):
        parse_filing_text(text, "odd.yaml", json_format=False)


def test_deep_json_is_a_read_error() -> None:
    with pytest.raises(FilingReadError) as caught:
        parse_filing_text("[" * 100_000, "deep.json", json_format=True)
    assert "嵌套" in str(caught.value)


# --- suspicious but fine ---------------------------------------------------------


def test_valid_example_passes(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(VALID, encoding="utf-8")
    result = invoke("check", path)
    assert result.exit_code == 0, result.output
    assert "错误 0 条" in result.stdout


BIG = "1234567890123456.78"  # 18 significant digits: a float would make it ...456.75


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_amount_beyond_float_precision_is_read_exactly(suffix: str, tmp_path: Path) -> None:
    assert Decimal(float(BIG)) != Decimal(BIG)  # the trap is real
    data = json.loads(json.dumps(VALID_DATA))
    for row, key in (
        (data["income"][0], "general_budget"),
        (data["expenditure"][0], "basic"),
        (data["basic_economic"][0], "amount"),
    ):
        row[key] = "@BIG@"
    text = json.dumps(data, ensure_ascii=False, indent=2).replace('"@BIG@"', BIG)
    path = tmp_path / f"big{suffix}"
    if suffix == ".yaml":  # JSON is YAML; unquoted numbers go through the YAML float path
        text = text.replace("{", "{ ").replace("}", " }")
    path.write_text(text, encoding="utf-8")

    filing = load_filing(path).filing
    assert filing.income[0].general_budget == Decimal(BIG)
    assert str(filing.income[0].general_budget) == BIG
    tables = build_tables(filing)
    assert tables[1].cell("income_total", "income") == Decimal(BIG)
    assert tables[1].cell("expenditure_total", "expenditure") == Decimal(BIG)

    result = invoke("check", path)
    assert result.exit_code == 0, result.output
    no_traceback(result)
    result = invoke("tables", path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert f'"{BIG}"' in result.stdout


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_utf8_bom_is_accepted(suffix: str, tmp_path: Path) -> None:
    text = VALID if suffix == ".yaml" else valid_json('"100.00"')
    path = tmp_path / f"bom{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_filing(path).filing.department.name == "测试局"
    result = invoke("check", path)
    assert result.exit_code in (0, 1), result.output
    assert result.exit_code == 0, result.output
    no_traceback(result)


def test_json_content_in_a_file_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "filing"
    path.write_text(valid_json('"100.00"'), encoding="utf-8")
    assert invoke("check", path).exit_code == 0


# --- readable but wrong: findings, not read errors --------------------------------


def test_unknown_well_formed_code_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "unknown.yaml"
    path.write_text(VALID.replace('"2010601"', '"2019999"'), encoding="utf-8")
    result = invoke("check", path)
    assert result.exit_code == 0, result.output
    no_traceback(result)
    assert "F.code-unknown" in result.stdout
    assert "2019999" in result.stdout
    assert f"{path}:8" in result.stdout  # income[0].code
    assert "警告" in result.stdout

    result = invoke("check", path, "--format", "json")
    assert result.exit_code == 0
    findings = json.loads(result.stdout)["findings"]
    unknown = [f for f in findings if f["rule"] == "F.code-unknown"]
    assert unknown
    assert {f["severity"] for f in unknown} == {"warning"}
    assert any(f["found"] == "2019999" for f in unknown)
    assert all(f["severity"] != "error" for f in findings)


def test_duplicate_row_is_an_error_with_line(tmp_path: Path) -> None:
    text = VALID.replace(
        'income:\n  - code: "2010601"\n    general_budget: "100.00"\n',
        'income:\n  - code: "2010601"\n    general_budget: "60.00"\n'
        '  - code: "2010601"\n    general_budget: "40.00"\n',
    )
    path = tmp_path / "duprow.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("check", path)
    assert result.exit_code == 1, result.output
    no_traceback(result)
    assert "F.duplicate-row" in result.stdout
    assert f"{path}:10" in result.stdout  # the repeated row, income[1]
    assert "income[1]" in result.stdout

    result = invoke("check", path, "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    duplicate = [f for f in findings if f["rule"] == "F.duplicate-row"]
    assert [f["severity"] for f in duplicate] == ["error"]
    assert duplicate[0]["location"]["line"] == 10


# --- fuzz ------------------------------------------------------------------------

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
SOURCES = [VALID, valid_json('"100.00"'), EXAMPLE_TEXT]
YAMLISH = st.sampled_from(list(":-[]{}\"'\n #&*!|>,.0123456789ae年 \t?%@`~\\\x00\ufeff"))


def read_or_refuse(text: str, *, json_format: bool) -> None:
    try:
        parse_filing_text(text, "fuzz", json_format=json_format)
    except FilingReadError as error:
        assert error.problems
        assert str(error)


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".yaml", ".json", ".txt"]))
def test_fuzz_random_bytes(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        load_filing(path)
    except FilingReadError as error:
        assert error.problems


@FUZZ
@given(text=st.text(max_size=300), json_format=st.booleans())
def test_fuzz_random_text(text: str, json_format: bool) -> None:
    read_or_refuse(text, json_format=json_format)


@FUZZ
@given(source=st.sampled_from(SOURCES), cut=st.floats(0, 1), json_format=st.booleans())
def test_fuzz_truncated_filings(source: str, cut: float, json_format: bool) -> None:
    read_or_refuse(source[: int(len(source) * cut)], json_format=json_format)


@FUZZ
def damaged(source: str, edits: list[tuple[float, int, str]]) -> str:
    """``source`` with each edit (where as a fraction, 0 replace / 1 insert / 2 delete, char)."""
    chars = list(source)
    for where, op, char in edits:
        at = min(int(len(chars) * where), len(chars) - 1)
        if op == 0:
            chars[at] = char
        elif op == 1:
            chars.insert(at, char)
        else:
            del chars[at]
    return "".join(chars)


@settings(deadline=None)  # a reading under load may take longer; speed is for benchmarks
@given(
    source=st.sampled_from(SOURCES),
    edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 2), YAMLISH), min_size=1, max_size=6),
    json_format=st.booleans(),
)
def test_fuzz_damaged_filings(
    source: str, edits: list[tuple[float, int, str]], json_format: bool
) -> None:
    read_or_refuse(damaged(source, edits), json_format=json_format)


@FUZZ
@given(data=st.binary(max_size=200), cut=st.floats(0, 1))
def test_fuzz_damaged_bytes_through_files(data: bytes, cut: float, tmp_path: Path) -> None:
    raw = VALID.encode("utf-8")
    at = int(len(raw) * cut)  # may split a UTF-8 sequence
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw[:at] + data + raw[at:])
    try:
        load_filing(path)
    except FilingReadError as error:
        assert error.problems
