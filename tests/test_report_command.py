"""`juesuan report`: documents for one filing or a folder, formats, --strict, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from juesuan.cli import app
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
    assert "2,946.26" in html and "收入支出决算总表" in html
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
    result = runner.invoke(app, ["report", str(folder), "-o", str(out), "-f", "json", "-j", "2"])
    assert result.exit_code == 2, result.output  # one filing could not be read
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "b.json", "d.json"]
    assert "c.yaml" in result.output and "YAML 格式错误" in result.output
    d = json.loads((out / "d.json").read_text(encoding="utf-8"))
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


def test_order_follows_the_layout_unless_given(tmp_path: Path) -> None:
    out = tmp_path / "out"
    publish_many([SUIZHOU], out, ("json",), None, None, False, workers=1)
    parts = [p["heading"] for p in json.loads((out / "suizhou-zwfw-2020.json").read_text("utf-8"))["parts"]]
    assert parts[1].startswith("第二部分") and parts[1].endswith("决算情况说明")  # the seed's order
    publish_many([SUIZHOU], out, ("json",), "template", None, False, workers=1)
    parts = [p["heading"] for p in json.loads((out / "suizhou-zwfw-2020.json").read_text("utf-8"))["parts"]]
    assert parts[1].endswith("部门决算表")


def test_filings_in_a_folder_are_found_recursively(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    for name in ("x/a.yaml", "b.json", "c.yml", "notes.txt"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert sorted(p.name for p in filings_in([tmp_path])) == ["a.yaml", "b.json", "c.yml"]
