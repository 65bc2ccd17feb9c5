"""Disclosure templates as data: the bundled files, what the builder and the document take
from them, and the errors a user sees for a template that does not exist.

The class lists and the 名词解释 are compared with real published documents
(tests/fixtures/reports), not with the template files themselves.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from juesuan.document.build import build_document
from juesuan.filing.io import FilingReadError, load_filing, parse_filing_text
from juesuan.filing.model import Filing
from juesuan.render.html import document_to_html
from juesuan.rules.check import check_filing
from juesuan.tables.build import build_tables
from juesuan.template.catalogue import (
    TemplateError,
    bundled,
    bundled_names,
    load_template,
    parse_template,
    template_for,
)

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "fixtures" / "reports"
SHANGHAI = ROOT / "examples" / "shanghai-putuo-czj-2024.yaml"
SUIZHOU = ROOT / "examples" / "suizhou-zwfw-2020.yaml"


@pytest.fixture(scope="module")
def shanghai() -> Filing:
    return load_filing(SHANGHAI).filing


@pytest.fixture(scope="module")
def suizhou() -> Filing:
    return load_filing(SUIZHOU).filing


def printed_classes(report: str) -> list[str]:
    """The 类 rows of 表1 as a report prints them: the 支出 side of its first table."""
    text = (REPORTS / report).read_text(encoding="utf-8")
    names: list[str] = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) >= 3 and re.fullmatch(r"[一二三四五六七八九十]+、.+支出", cells[2]):
            names.append(cells[2].split("、", 1)[1])
        elif names and "本年支出合计" in line:
            break
    return names


def test_every_bundled_template_reads() -> None:
    assert bundled_names() == ["central-2017", "central-2020", "hubei-2020", "shanghai-2024",
                               "shanghai-2024-24"]
    for name in bundled_names():
        template = bundled(name)
        assert template.name == name
        assert template.numbers[:7] == (1, 2, 3, 4, 5, 6, 7)
        assert template.glossary


@pytest.mark.parametrize(("template", "report"), [
    ("shanghai-2024", "01_shanghai-putuo-czj-2024.txt"),
    ("shanghai-2024-24", "02_shanghai-putuo-ghzyj-2024.txt"),
    ("shanghai-2024-24", "05_shanghai-district-final-accounts-template-2024.txt"),
])
def test_table_1_lists_the_classes_of_the_report_that_follows_the_template(
    shanghai: Filing, template: str, report: str,
) -> None:
    expected = printed_classes(report)
    assert len(expected) == (26 if template == "shanghai-2024" else 24)
    tables = build_tables(shanghai, bundled(template))
    for number in (1, 4):
        rows = [r.name.split("、", 1)[1] for r in tables[number].rows if r.code and r.level == 1]
        assert rows == expected


def test_the_eight_table_form_before_2019(shanghai: Filing) -> None:
    template = bundled("central-2017")
    tables = build_tables(shanghai, template)
    assert [t.number for t in tables.tables] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert tables.expected == (1, 2, 3, 4, 5, 6, 7, 8)
    classes = [r.name for r in tables[1].rows if r.code and r.level == 1]
    assert len(classes) == 23
    assert "七、文化体育与传媒支出" in classes and "九、医疗卫生与计划生育支出" in classes
    assert not [f for f in check_filing(shanghai, tables) if f.rule == "X13"]  # no 表9 expected
    document = build_document(shanghai, template=template)
    explanation = next(p for p in document.parts if p.key == "explanation")
    assert not any("国有资本经营" in s.heading for s in explanation.sections)
    assert [s.heading for s in explanation.sections][-2:] == ["九、预算绩效管理情况", "十、其他重要事项的情况说明"]


def test_the_seed_structure_and_its_own_glossary(suizhou: Filing) -> None:
    document = build_document(suizhou)  # the example names hubei-2020
    assert [p.key for p in document.parts][:4] == ["overview", "explanation", "tables", "glossary"]
    overview = next(p for p in document.parts if p.key == "overview")
    assert [s.heading for s in overview.sections] == ["一、部门主要职责", "二、部门机构设置情况"]
    glossary = next(p for p in document.parts if p.key == "glossary").sections[0].paragraphs
    seed = (REPORTS / "seed-suizhou-2020.txt").read_text(encoding="utf-8")
    published = seed[seed.rindex("第四部分 名词解释"):].splitlines()[1:7]

    def plain(text: str) -> str:  # the seed's page uses ASCII punctuation
        return text.translate(str.maketrans({":": "：", ",": "，", ";": "；", "(": "（", ")": "）"}))

    assert [p[:12] for p in glossary] == [plain(line)[:12] for line in published]
    assert glossary[0] == "1、财政拨款收入：反映市级财政预算安排且当年拨付的资金。"
    assert len(glossary) == 6


def test_a_template_that_prints_zero(shanghai: Filing, tmp_path: Path) -> None:
    path = tmp_path / "zero.yaml"
    path.write_text("name: shanghai-zero\nextends: shanghai-2024\nzero: '0.00'\n", encoding="utf-8")
    template = load_template(str(path))
    assert template.zero == "0.00" and template.classes == bundled("shanghai-2024").classes
    blank, zero = build_tables(shanghai), build_tables(shanghai, template)
    at = next(i for i, r in enumerate(blank[5].rows) if None in r.values)
    row, printed = blank[5].rows[at], zero[5].rows[at]
    assert None not in printed.values and printed.values[:len(row.values)] == tuple(
        v if v is not None else 0 for v in row.values)
    assert check_filing(shanghai, zero) == check_filing(shanghai, blank)
    zeros = document_to_html(build_document(shanghai, template=template)).count(">0.00<")
    assert zeros > document_to_html(build_document(shanghai)).count(">0.00<") + 20


def test_a_filing_naming_no_template_gets_the_choices() -> None:
    text = SHANGHAI.read_text(encoding="utf-8").replace("layout: shanghai-2024", "layout: shanghai-2O24")
    with pytest.raises(FilingReadError) as caught:
        parse_filing_text(text, "f.yaml", json_format=False)
    message = str(caught.value.problems[0].message)
    assert "shanghai-2O24" in message
    for name in bundled_names():
        assert name in message


def test_a_mistyped_or_broken_template_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"找不到公开模板“hubei-2O20”.*central-2017、central-2020、hubei-2020"):
        load_template("hubei-2O20")
    with pytest.raises(TemplateError, match="extends 应为内置模板"):
        parse_template("name: x\nextends: nowhere\n", "x.yaml")
    with pytest.raises(TemplateError, match="公开表应从表1起"):
        parse_template("name: x\nextends: central-2020\ndrop_tables: [3]\n", "x.yaml")
    with pytest.raises(TemplateError, match=r"x\.yaml：模板文件有误"):
        parse_template("name: x\nextends: central-2020\nzero: none\n", "x.yaml")


def test_the_template_of_a_year() -> None:
    assert template_for(None, 2020).name == "central-2020"
    assert template_for(None, 2024).name == "shanghai-2024"
    assert template_for("central-2017", 2024).name == "central-2017"


def test_the_command_line_names_a_template(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from juesuan.cli import app

    runner = CliRunner()
    for command in (["check", str(SHANGHAI)], ["tables", str(SHANGHAI)],
                    ["report", str(SHANGHAI), "-o", str(tmp_path / "out"), "-f", "json"]):
        result = runner.invoke(app, [*command, "--template", "shanghai-2O24"])
        assert result.exit_code == 2, result.output
        assert "找不到公开模板“shanghai-2O24”" in result.output
        assert "central-2017、central-2020、hubei-2020、shanghai-2024、shanghai-2024-24" in result.output
    assert not (tmp_path / "out").exists()
    result = runner.invoke(app, ["tables", str(SHANGHAI), "-t", "central-2017", "-f", "json"])
    assert result.exit_code == 0
    assert "文化体育与传媒支出" in result.output and '"number": 9' not in result.output
    result = runner.invoke(app, ["report", str(SHANGHAI), "-o", str(tmp_path / "out"), "-f", "json",
                                 "-t", "hubei-2020"])
    assert result.exit_code in (0, 1), result.output
    document = (tmp_path / "out" / "shanghai-putuo-czj-2024.json").read_text(encoding="utf-8")
    assert '"layout": "hubei-2020"' in document and "1、财政拨款收入：" in document


@pytest.mark.parametrize(("text", "message"), [
    ("name: x\nextends: &a central-2020\nregion: *a\n", "不用锚点、别名和标签"),
    ("name: !!python/object:os.system x\n", "不用锚点、别名和标签"),
    ("[" * 20_000, "模板文件"),
    ("name: x\n  bad: : :\n", "不是有效的 YAML：第 2 行"),
    ("- 1\n- 2\n", "应为键值对"),
    ("x" * (1024 * 1024 + 1), "超过"),
])
def test_a_template_file_is_plain_bounded_yaml(text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template(text, "t.yaml")


def test_the_sentence_forms_are_the_templates(shanghai: Filing, tmp_path: Path) -> None:
    """增加/减少/持平 and 未安排预算 come from the template's wording: a variant that writes
    上升/降低 gets them in its 情况说明, and the audit reads them back as the same changes."""
    from juesuan.audit.check import audit
    from juesuan.audit.claim_model import Measure
    from juesuan.audit.claims import extract_claims
    from juesuan.audit.reading.html import read_html

    path = tmp_path / "words.yaml"
    path.write_text("name: shanghai-words\nextends: shanghai-2024\n"
                    "wording: {increase: 上升, rise: 上升, decrease: 降低, fall: 降低}\n", encoding="utf-8")
    template = load_template(str(path))
    assert template.wording.flat == "持平" and template.wording.no_budget == "未安排预算"
    plain = document_to_html(build_document(shanghai))
    worded = document_to_html(build_document(shanghai, template=template))
    assert re.search(r"减少[\d.]+万元", plain) and not re.search(r"减少[\d.]+万元", worded)
    assert re.search(r"降低[\d.]+万元，降低[\d.]+%", worded)
    assert len(re.findall(r"(?:上升|降低)[\d.]+万元", worded)) == len(re.findall(r"(?:增加|减少)[\d.]+万元", plain))
    def claims(html: str) -> list[tuple[str, str, str | None]]:
        result = audit(read_html(Path("words.html"), html.encode("utf-8")))
        return [(f.rule, f.severity.value, f.found) for f in result.findings if f.rule.startswith("C.")]

    def changes(html: str) -> list[tuple[str, int | None, Decimal | None]]:
        read = extract_claims(read_html(Path("words.html"), html.encode("utf-8")))
        return [(c.measure.value, c.direction, c.value) for c in read
                if c.measure in (Measure.CHANGE, Measure.CHANGE_PCT)]

    assert len(changes(worded)) >= 6 and changes(worded) == changes(plain)

    assert claims(worded) == claims(plain)
    assert not [c for c in claims(worded) if c[1] != "info"]
    with pytest.raises(TemplateError, match="须能读回"):
        parse_template("name: x\nextends: central-2020\nwording: {increase: 上涨}\n", "x.yaml")


def test_the_eight_table_form_as_a_2018_report_printed_it() -> None:
    """central-2017 against a real report of its years: the 目录 of 银川市西夏区人民政府办公室's
    2018 部门决算 (tests/fixtures/real) lists the eight tables under the template's own titles,
    and the audit recognises the template from it."""
    from juesuan.audit.check import audit
    from juesuan.audit.reading.text import read_text
    from juesuan.audit.structure import closest_text, match_title, recognise

    path = ROOT / "tests" / "fixtures" / "real" / "ningxia-2018-xixia-zfb" / "report.txt"
    source = read_text(path, path.read_bytes())
    listed = {}
    for entry in recognise(source).toc:
        found = match_title(entry.text) if entry.kind == "item" else None
        if found is not None:
            listed[found[0]] = closest_text(entry.text)
    template = bundled("central-2017")
    assert listed == {t.number: closest_text(t.title) for t in template.tables}
    assert audit(source, claims=False).template == "central-2017"
