"""`juesuan report`: documents for one filing or a folder, formats, --strict, exit codes."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.filing.io import parse_yaml
from juesuan.filing.model import Filing
from juesuan.publish import filings_in, publish_many

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ROOT / "examples" / "shanghai-putuo-czj-2024.yaml"
SUIZHOU = ROOT / "examples" / "suizhou-zwfw-2020.yaml"
runner = CliRunner()


def test_report_writes_the_chosen_formats(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(SHANGHAI), "-o", str(out), "-f", "html,json,xlsx"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["shanghai-putuo-czj-2024.html", "shanghai-putuo-czj-2024.json",
                     "shanghai-putuo-czj-2024.xlsx"]
    data = json.loads((out / "shanghai-putuo-czj-2024.json").read_text(encoding="utf-8"))
    assert data["title"] == "上海市普陀区财政局2024年度部门决算"
    html = (out / "shanghai-putuo-czj-2024.html").read_text(encoding="utf-8")
    assert "2,946.26" in html and "收入支出决算总表" in re.sub(r"<[^>]+>", "", html)
    assert (out / "shanghai-putuo-czj-2024.html").stat().st_mode & 0o044  # readable by others
    assert "共写入 3 个文件" in result.output


def test_report_on_a_folder_in_parallel_with_an_unreadable_and_an_erroneous_filing(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "filings"
    folder.mkdir()
    shutil.copy(SHANGHAI, folder / "a.yaml")
    shutil.copy(SUIZHOU, folder / "b.yaml")
    (folder / "c.yaml").write_text("year: [\n", encoding="utf-8")
    broken = SHANGHAI.read_text(encoding="utf-8").replace("amount: 262.33", "amount: 1262.33", 1)
    assert broken != SHANGHAI.read_text(encoding="utf-8")
    (folder / "d.yaml").write_text(broken, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(folder), "-o", str(out), "-f", "json,review-json", "-j", "2"])
    assert result.exit_code == 2, result.output  # one filing could not be read
    assert sorted(p.name for p in out.iterdir() if "审核意见" not in p.name) == ["a.json", "b.json", "d.json"]
    assert "c.yaml" in result.output and "YAML 格式错误" in result.output
    d = json.loads((out / "d-审核意见.json").read_text(encoding="utf-8"))
    assert any(f["rule"] == "X7" and f["severity"] == "error" for f in d["findings"])


def test_strict_writes_nothing_for_a_filing_with_errors(tmp_path: Path) -> None:
    broken = SHANGHAI.read_text(encoding="utf-8").replace("amount: 262.33", "amount: 1262.33", 1)
    filing = tmp_path / "d.yaml"
    filing.write_text(broken, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(filing), "-o", str(out), "-f", "json", "--strict"])
    assert result.exit_code == 1, result.output
    assert not out.exists() or not any(out.iterdir())
    assert "未生成" in result.output
    result = runner.invoke(app, ["report", str(filing), "-o", str(out), "-f", "json"])
    assert result.exit_code == 1  # errors, but the document is written with them listed
    assert (out / "d.json").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["-f", "pdf,odt"], "不支持的格式"),
    (["-f", ""], "不支持的格式"),
])
def test_bad_format_is_refused(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["report", str(SHANGHAI), "-o", str(tmp_path / "o"), *args])
    assert result.exit_code == 2 and message in result.output


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "找不到" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["report", str(empty), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "没有找到填报文件" in result.output


def test_output_must_be_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["report", str(SHANGHAI), "-o", str(target), "-f", "json"])
    assert result.exit_code == 2 and "不是目录" in result.output


def test_order_follows_the_template_unless_given(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_many([SUIZHOU], out, ("json",), None, None, False, workers=1)
    parts = [p["heading"] for p in json.loads((out / "suizhou-zwfw-2020.json").read_text("utf-8"))["parts"]]
    # hubei-2020, the seed's structure and headings
    assert parts[:4] == ["第一部分 随州市政务服务和大数据管理局概况",
                         "第二部分 随州市政务服务和大数据管理局2020年决算情况说明",
                         "第三部分 随州市政务服务和大数据管理局2020年决算表",
                         "第四部分 名词解释"]
    publish_many([SUIZHOU], out, ("json",), "template", None, False, workers=1)
    parts = [p["heading"] for p in json.loads((out / "suizhou-zwfw-2020.json").read_text("utf-8"))["parts"]]
    assert parts[1] == "第二部分 随州市政务服务和大数据管理局2020年决算表"


def test_filings_in_a_folder_are_found_recursively(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    for name in ("x/a.yaml", "b.json", "c.yml", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert sorted(p.name for p in filings_in([tmp_path])) == ["a.yaml", "b.json", "c.yml"]


# ---------------------------------------------------------------- crashes found by hardening


def _yaml(tmp_path: Path, data: Any, name: str = "f.yaml") -> Path:
    """The filing data written as a file (JSON, which is YAML too; amounts as strings)."""
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def _example(path: Path) -> Any:
    return parse_yaml(path.read_text(encoding="utf-8"))[0]


@pytest.mark.parametrize("funds", [{}, {"initial": 5}])
def test_a_self_evaluation_without_budget_or_executed_amount(tmp_path: Path, funds: dict[str, Any]) -> None:
    data = _example(SUIZHOU)
    data["performance"]["projects"][0]["funds"] = {"total": funds}
    filing = _yaml(tmp_path, data)
    for fmt in ("text", "json", "tables"):
        result = runner.invoke(app, ["score", str(filing), "-f", fmt])
        assert result.exit_code in (0, 1), (fmt, result.output)
    result = runner.invoke(app, ["score", str(filing), "-f", "xlsx", "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code in (0, 1), result.output
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(filing), "-o", str(out), "-f", "html,docx,xlsx,json"])
    assert result.exit_code in (0, 1), result.output
    assert len(list(out.iterdir())) == 4


def test_a_department_name_over_255_characters(tmp_path: Path) -> None:
    data = _example(SUIZHOU)
    data["department"]["name"] = "很长的部门名称" * 50
    filing = _yaml(tmp_path, data)
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(filing), "-o", str(out), "-f", "html,json,xlsx,docx"])
    assert result.exit_code in (0, 1), result.output
    assert sorted(p.suffix for p in out.iterdir()) == [".docx", ".html", ".json", ".xlsx"]
    properties = docx.Document(str(out / "f.docx")).core_properties
    assert properties.title.startswith("很长的部门名称") and len(properties.title) <= 255
    assert len(properties.author) <= 255


def test_report_writes_all_formats_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import juesuan.render.docx

    def broken(*_: Any, **__: Any) -> bytes:
        raise ValueError("bug")

    monkeypatch.setattr(juesuan.render.docx, "document_to_docx", broken)
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(SUIZHOU), "-o", str(out), "-f", "html,json,xlsx,docx"])
    assert result.exit_code == 3, result.output
    assert not out.exists() or not any(out.iterdir())  # not html, json and xlsx without the docx


def test_an_output_that_cannot_be_written_is_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "suizhou-zwfw-2020.json").mkdir(parents=True)  # a folder where the file should go
    result = runner.invoke(app, ["report", str(SUIZHOU), "-o", str(out), "-f", "json"])
    assert result.exit_code == 2, result.output
    assert "无法写入" in result.output


MARKUP = ("# 标题", "## 小节", "#", "a # b", "* 列表", "- 条目", "| a | b |", "<b>粗</b>", "{{ x }}",
          "{% if x %}", "【待填写：x】", "=1+1", "第一行\n# 第二行\n\n## 第三行", "  #  ", "\\n", "&amp;")


def _free_text_fields(data: dict[str, Any], model: type[BaseModel], texts: Iterator[str]) -> None:
    """Put markup into every field of ``data`` that the model declares as free text (a string
    the validation accepts whatever it says), creating optional ones that are missing."""
    for name, info in model.model_fields.items():
        annotation = info.annotation
        args = typing.get_args(annotation)
        inner = [a for a in args if a is not type(None)] or [annotation]
        target = inner[0] if len(inner) == 1 else None
        value = data.get(name)
        if target is str:
            if info.metadata or name in ("code", "as_of", "scheme"):  # checked, or a reference
                continue
            data[name] = next(texts)
        elif typing.get_origin(target) is tuple and typing.get_args(target)[0] is str:
            data[name] = [next(texts), next(texts)]
        elif isinstance(target, type) and issubclass(target, BaseModel):
            if isinstance(value, dict):
                _free_text_fields(value, target, texts)
        elif typing.get_origin(target) is tuple:
            item = typing.get_args(target)[0]
            if isinstance(item, type) and issubclass(item, BaseModel) and isinstance(value, list):
                for element in value:
                    if isinstance(element, dict):
                        _free_text_fields(element, item, texts)


@pytest.mark.parametrize("example", [SHANGHAI, SUIZHOU], ids=["shanghai", "suizhou"])
def test_free_text_is_never_markup(tmp_path: Path, example: Path) -> None:
    data = _example(example)
    data.setdefault("reasons", {})
    data.setdefault("organisation", {})
    texts = itertools.cycle(MARKUP)
    _free_text_fields(data, Filing, texts)
    data["reasons"]["items"] = {row["code"]: next(texts) for row in data["expenditure"]}
    data["reasons"]["income_change"] = "第一行\n# 第二行\n\n## 第三行"
    if data.get("performance"):
        data["performance"].setdefault("scheme", "central-2020")
    Filing.model_validate(data)  # the filing is still valid: only free text changed
    filing = _yaml(tmp_path, data)
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(filing), "-o", str(out), "-f", "html,docx,xlsx,json"])
    assert result.exit_code in (0, 1), result.output
    document = json.loads((out / "f.json").read_text(encoding="utf-8"))
    text = json.dumps(document, ensure_ascii=False)
    assert "第一行# 第二行## 第三行" in text  # a stated text is one run of text, "#" and all
    assert "{{ x }}" in text and "<b>粗</b>" in text
    for fmt in ("text", "json", "tables"):
        result = runner.invoke(app, ["score", str(filing), "-f", fmt])
        assert result.exit_code in (0, 1), (fmt, result.output)
    result = runner.invoke(app, ["score", str(filing), "-f", "xlsx", "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code in (0, 1), result.output


def test_the_review_is_its_own_file_and_the_public_document_has_none_of_it(tmp_path: Path) -> None:
    """Public and review apart: rule ids, field paths and juesuan's recomputed scores are in
    <stem>-审核意见.html only; the public document prints the department's own figures."""
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", str(SUIZHOU), "-o", str(out), "-f", "html,json,review"])
    assert result.exit_code == 0, result.output
    public = (out / "suizhou-zwfw-2020.html").read_text(encoding="utf-8")
    review = (out / "suizhou-zwfw-2020-审核意见.html").read_text(encoding="utf-8")
    # the review: every finding with its rule id, the recomputed scores beside the stated ones
    assert review.count("<td>P.explanation</td>") == 8 and "N.reason-missing" in review
    assert "不公开" in review and "绩效自评得分复核" in review
    assert "97.258" in review and "86.246" in review and "计分依据" in review
    # the public document: none of it
    for text in ("检查结果", "P.explanation", "N.reason-missing", "prior_year.", "performance.projects",
                 "97.258", "86.246", "参考等级", "计分依据", "（参考）"):
        assert text not in public, text
    assert "96余人次" in public and "本文件为 juesuan 示例" in public
    document = json.loads((out / "suizhou-zwfw-2020.json").read_text(encoding="utf-8"))
    assert "findings" not in document and document["notices"][0].startswith("本文件为 juesuan 示例")


def test_the_reviews_score_table_names_each_form_beside_its_figures(tmp_path: Path) -> None:
    from juesuan.document.build import build_document
    from juesuan.filing.io import load_filing
    from juesuan.performance.scheme import load_scheme
    from juesuan.render.review import review_to_html

    doc = build_document(load_filing(SUIZHOU).filing, scheme=load_scheme("hubei-2020"))
    cells = [c for c in re.split(r"<[^>]+>", review_to_html(doc)) if c.strip()]
    # 互联网+放管服: stated 0.86 / 17.2 / 97.2 (no grade) beside computed 0.8629 / 17.258 / 97.258
    at = cells.index("互联网+放管服")
    assert cells[at:at + 9] == ["互联网+放管服", "0.86", "17.2", "97.2", "0.8629", "17.258", "97.258",
                                "优（参考）", "-0.058"]
