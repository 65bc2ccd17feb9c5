"""`juesuan consolidate` end to end: files in, the consolidated filing written and read back,
the elimination table and findings printed, exit 0 / 1 / 2; and the docs list the command."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import yaml
from typer.testing import CliRunner
from unit_filings import ROOT, generate, rebuilt

from juesuan.cli import app
from juesuan.consolidate import CHECKS, Mode, choose_root, consolidate, tree_from_parents
from juesuan.filing.io import filing_to_data, load_filing
from juesuan.filing.model import Filing

runner = CliRunner()


def written(folder: Path, filings: list[Filing], tree: dict[str, str | None]) -> tuple[list[str], Path]:
    paths = []
    for filing in filings:
        path = folder / f"{filing.department.code}.yaml"
        path.write_text(yaml.safe_dump(filing_to_data(filing), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        paths.append(str(path))
    tree_file = folder / "tree.yaml"
    tree_file.write_text(yaml.safe_dump(tree), encoding="utf-8")
    return paths, tree_file


def test_complete_consolidation_is_written_and_reads_back(tmp_path: Path) -> None:
    filings, tree = generate.generate_department(7, units=5, depth=3, rows=40)
    paths, tree_file = written(tmp_path, filings, tree)
    out = tmp_path / "部门.yaml"
    result = runner.invoke(app, ["consolidate", *paths, "-o", str(out), "--tree", str(tree_file),
                                 "--name", "合成部门汇总"])
    assert result.exit_code == 0, result.output
    assert "内部往来抵消（完全汇总，单位：元）" in result.output and "抵消核对通过：错误 0 条" in result.output
    back = load_filing(out).filing
    expected = consolidate(choose_root(tree_from_parents(tree, filings), None), Mode.COMPLETE,
                           name="合成部门汇总").filing
    assert back == expected and back.department.name == "合成部门汇总"
    checked = runner.invoke(app, ["check", str(out), "--show", "error"])
    assert checked.exit_code == 0, checked.output


def test_without_a_tree_the_first_filing_is_the_parent(tmp_path: Path) -> None:
    filings, tree = generate.generate_department(8, units=3, depth=2, rows=30)
    paths, _ = written(tmp_path, filings, tree)
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["consolidate", *paths, "-o", str(out)])
    assert result.exit_code == 0, result.output
    subsidy = sum((r.subsidy_affiliated or Decimal(0) for r in filings[0].expenditure), Decimal(0))
    assert f"{subsidy:,.2f}" in result.output
    assert all(r.subsidy_affiliated is None for r in load_filing(out).filing.expenditure)


def test_a_mismatch_exits_1_and_chosen_units_warn(tmp_path: Path) -> None:
    filings, tree = generate.generate_department(4, units=3, depth=2, rows=40)
    row = next(i for i, r in enumerate(filings[1].income) if r.superior_subsidy)

    def plant(data: dict[str, object]) -> None:
        data["income"][row]["superior_subsidy"] += Decimal(100)  # type: ignore[index]

    paths, tree_file = written(tmp_path, [filings[0], rebuilt(filings[1], plant), filings[2]], tree)
    result = runner.invoke(app, ["consolidate", *paths, "-o", str(tmp_path / "o.yaml"), "--tree", str(tree_file)])
    assert result.exit_code == 1, result.output
    assert "错误 H.1" in result.output and "差额 100.00元" in result.output
    chosen = runner.invoke(app, ["consolidate", paths[0], paths[2], "-o", str(tmp_path / "c.yaml"),
                                 "--tree", str(tree_file), "--mode", "chosen"])
    assert chosen.exit_code == 0, chosen.output
    assert "警告 H.1" in chosen.output and "选择汇总只包括部分下级单位" in chosen.output


def test_bad_input_is_a_chinese_message_and_exit_2(tmp_path: Path) -> None:
    filings, tree = generate.generate_department(4, units=3, depth=2, rows=30)
    paths, _ = written(tmp_path, filings, tree)
    cases = {
        "- 甲\n- 乙\n": "应是“单位编码: 上级单位编码”的键值对",
        "'004': null\n'004001': '004'\n": "单位树中没有编码 004002",
        "'004': '004002'\n'004001': '004'\n'004002': '004001'\n": "单位树有循环",
        "'004': [1]\n": "上级编码“[1]”不是编码",
        "'004': null\n  bad: [\n": "无法读取单位树文件",
    }
    for text, message in cases.items():
        tree_file = tmp_path / "bad-tree.yaml"
        tree_file.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["consolidate", *paths, "-o", str(tmp_path / "x.yaml"), "--tree", str(tree_file)])
        assert result.exit_code == 2, (text, result.output)
        assert message in result.output, (text, result.output)
        assert "Traceback" not in result.output
    result = runner.invoke(app, ["consolidate", *paths, "-o", str(tmp_path / "x.yaml"), "--tree", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "文件不存在" in result.output
    result = runner.invoke(app, ["consolidate", *paths, "-o", str(tmp_path / "x.yaml"), "--root", "999"])
    assert result.exit_code == 2 and "没有编码为 999 的单位" in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_docs_describe_the_command_its_options_and_checks() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if line.startswith("| `juesuan consolidate"))
    doc = (ROOT / "docs" / "consolidate.md").read_text(encoding="utf-8")
    command = next(c for c in app.registered_commands if c.name == "consolidate")
    from typer.main import get_command

    click_command = get_command(app).commands["consolidate"]  # type: ignore[attr-defined]
    options = [p.opts for p in click_command.params if p.param_type_name == "option"]
    assert command.callback is not None and len(options) == 5
    for names in options:  # each option under one of its names (-o for --output)
        assert any(re.search(rf"{re.escape(n)}\b", line) for n in names), names
        assert any(re.search(rf"{re.escape(n)}\b", doc) for n in names), names
    for mode in Mode:
        assert mode.value in line and mode.label in doc
    for check in CHECKS:
        assert re.search(rf"\b{re.escape(check.id)}\b", doc) and check.title in doc


def test_long_unit_names_stay_whole_on_one_line_in_a_pipe(tmp_path: Path) -> None:
    filings, tree = generate.generate_department(4, units=3, depth=2, rows=20)
    long = "某某省某某市某某区教育局所属某某实验学校附属某某教育发展研究与培训中心第一分中心"
    filings[1] = rebuilt(filings[1], lambda d: d["department"].update(name=long))  # type: ignore[index]
    paths, tree_file = written(tmp_path, filings, tree)
    result = runner.invoke(app, ["consolidate", *paths, "-o", str(tmp_path / "o.yaml"), "--tree", str(tree_file)],
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if long in line]
    code = filings[1].department.code
    subsidy = sum((r.superior_subsidy or Decimal(0) for r in filings[1].income), Decimal(0))
    assert f"└ {long}（{code}）" in line and f"{subsidy:,.2f}" in line  # the name and its figures
    assert "对附属单位补助支出" in result.output  # the headers are not folded either


def test_eliminations_of_wan_filings_are_shown_with_every_decimal(tmp_path: Path) -> None:
    from unit_filings import in_wan

    filings, tree = generate.generate_department(8, units=3, depth=2, rows=30)
    filings = [in_wan(f) for f in filings]  # 元 become 0.0001 万元: four decimals
    paths, tree_file = written(tmp_path, filings, tree)
    result = runner.invoke(app, ["consolidate", *paths, "-o", str(tmp_path / "out.yaml"), "--tree", str(tree_file)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    subsidy = sum((r.subsidy_affiliated or Decimal(0) for r in filings[0].expenditure), Decimal(0))
    assert subsidy.as_tuple().exponent == -6  # 两位小数的元, in 万元
    whole, _, decimals = f"{subsidy:.6f}".partition(".")
    assert f"{int(whole):,}.{decimals}" in result.output  # not rounded to 0.01 万元
