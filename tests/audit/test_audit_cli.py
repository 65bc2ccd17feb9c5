"""`juesuan audit`: files and folders, text / JSON / HTML, exit codes as `juesuan check`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from juesuan.audit import batch
from juesuan.audit.batch import UnreadableReport, read_source
from juesuan.cli import app
from juesuan.rules.finding import FINDING_KEYS, LOCATION_KEYS

REPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
R01 = REPORTS / "01_shanghai-putuo-czj-2024.txt"
R02 = REPORTS / "02_shanghai-putuo-ghzyj-2024.txt"
R03 = REPORTS / "03_shanghai-putuo-shegongbu-2024.txt"

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["audit", *args])
    return result.exit_code, result.stdout


def test_json_of_one_report_with_errors() -> None:
    code, stdout = run(str(R02), "--format", "json")
    assert code == 1
    [doc] = json.loads(stdout)
    assert set(doc) == {"file", "department", "year", "summary", "findings"}
    assert (doc["file"], doc["department"], doc["year"]) == (str(R02), "上海市普陀区规划和自然资源局", 2024)
    # 1 A.department-name + 3 text defects (C.*, each verified in tests/audit/test_claims.py);
    # two rates cut rather than rounded (99.86% for 99.868%) are warnings
    assert doc["summary"] == {"error": 4, "warning": 14, "info": 19}
    first = doc["findings"][0]
    assert tuple(first) == FINDING_KEYS
    assert tuple(first["location"]) == LOCATION_KEYS
    assert first["rule"] == "A.department-name" and first["severity"] == "error"
    assert first["location"]["line"] == 119
    assert first["location"]["quote"] == "上海市规划和自然资源局2024 年度部门决算表"
    cell = next(f for f in doc["findings"] if f["rule"] == "X4")
    assert cell["location"]["table"] == 3 and cell["location"]["row"] in ("210", "212")
    assert cell["severity"] == "info"


def test_text_of_a_report_without_errors() -> None:
    code, stdout = run(str(R03))
    assert code == 0
    assert "中共上海市普陀区委社会工作部" in stdout and "通过：错误 0 条" in stdout
    assert "原文：" in stdout  # each finding with its quote


def test_text_of_report_01_names_its_two_text_defects() -> None:
    code, stdout = run(str(R01))
    assert code == 1  # 71.73% for 71.65%; 财政拨款收入支出总计 “0.3万元”
    assert "上海市普陀区财政局" in stdout and "错误 2 条" in stdout
    assert "原文：208 |" in stdout  # table findings with the row as printed


def test_a_folder_in_parallel(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(R01, folder / "a.txt")
    shutil.copy(R03, folder / "sub" / "b.TXT")
    (folder / "notes.md").write_text("不是报告", encoding="utf-8")
    out = tmp_path / "audit.json"
    result = runner.invoke(app, ["audit", str(folder), "-f", "json", "-o", str(out), "-j", "2"])
    assert result.exit_code == 1  # report 01 has two real text defects
    docs = json.loads(out.read_text(encoding="utf-8"))
    assert [Path(d["file"]).name for d in docs] == ["a.txt", "b.TXT"]
    assert [d["summary"]["error"] for d in docs] == [2, 0]


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    text = R01.read_text(encoding="utf-8").replace(
        "（十二）完成区委、区政府交办的其他任务。", "（十二）完成XX<b>交办</b>的其他任务。")
    report.write_text(text, encoding="utf-8")
    out = tmp_path / "audit.html"
    result = runner.invoke(app, ["audit", str(report), str(R02), "-f", "html", "-o", str(out)])
    assert result.exit_code == 1
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<b>交办</b>" not in page and "&lt;b&gt;交办&lt;/b&gt;" in page
    assert "上海市规划和自然资源局2024 年度部门决算表" in page  # a quote beside its finding
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")


def test_unreadable_and_missing_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf at all")
    code, stdout = run(str(broken), str(R01), "-f", "json")
    assert code == 2
    docs = json.loads(stdout)
    assert docs[0]["error"] and docs[0]["findings"] == []
    assert docs[1]["department"] == "上海市普陀区财政局"
    assert run(str(tmp_path / "nothing.txt"))[0] == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(str(empty))[0] == 2


def test_without_the_readers_only_text_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def missing(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr(batch.importlib, "import_module", missing)
    assert read_source(R01).lines()[0].text.startswith("source:")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(UnreadableReport, match=r"\.pdf"):
        read_source(pdf)
