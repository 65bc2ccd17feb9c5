"""A region-year's disclosures as a Frictionless Data Package: valid for the frictionless
library, exact decimals, codes as text, blanks as empty cells, the same bytes every time."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import frictionless
import pytest

from juesuan.filing.io import load_filing
from juesuan.filing.model import Filing
from juesuan.render.datapackage import (
    DESCRIPTOR,
    Identity,
    PackageError,
    build_package,
    package_zip,
    resource_names,
)
from juesuan.tables.build import build_tables
from juesuan.tables.columns import TABLE_KEYS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("juesuan_bench_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shanghai() -> Filing:
    return load_filing(EXAMPLES / "shanghai-putuo-czj-2024.yaml").filing


@pytest.fixture(scope="module")
def suizhou() -> Filing:
    return load_filing(EXAMPLES / "suizhou-zwfw-2020.yaml").filing


def identity(unit: str, *, region: str = "310107", year: int = 2024, department: str = "czj") -> Identity:
    return Identity(region, "上海市普陀区", year, department, "上海市普陀区财政局", unit, f"单位{unit}")


def write(files: dict[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder / DESCRIPTOR


def validate(files: dict[str, bytes], folder: Path) -> frictionless.Report:
    return frictionless.validate(str(write(files, folder)))


def assert_valid(files: dict[str, bytes], folder: Path) -> None:
    report = validate(files, folder)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert report.stats["errors"] == 0


def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    text = files[f"data/{name}.csv"].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_shanghai_example_is_a_valid_package(shanghai: Filing, tmp_path: Path) -> None:
    files = build_package("310107", "上海市普陀区", 2024, [(identity("czj"), shanghai)])
    assert sorted(files) == sorted([DESCRIPTOR, *(f"data/{n}.csv" for n in resource_names())])
    assert_valid(files, tmp_path)
    descriptor = json.loads(files[DESCRIPTOR])
    assert descriptor["name"] == "juesuan-310107-2024"
    assert descriptor["title"] == "上海市普陀区 2024 年度部门决算公开数据"
    assert "licenses" not in descriptor and "created" not in descriptor
    assert [r["name"] for r in descriptor["resources"]] == list(resource_names())
    assert len(descriptor["resources"]) == 1 + len(TABLE_KEYS)
    table3 = next(r for r in descriptor["resources"] if r["name"] == "table3-expenditure")
    assert table3["title"] == "表3 支出决算表"
    fields = {f["name"]: f for f in table3["schema"]["fields"]}
    assert fields["code"]["type"] == "string" and fields["basic"]["type"] == "number"
    assert fields["basic"]["title"] == "基本支出" and "万元" in fields["basic"]["description"]
    assert table3["schema"]["primaryKey"] == ["region", "year", "department", "unit", "row_key"]
    assert table3["schema"]["foreignKeys"][0]["reference"]["resource"] == "disclosures"


def test_amounts_are_the_filed_decimals_and_blanks_stay_empty(shanghai: Filing) -> None:
    files = build_package("310107", "上海市普陀区", 2024, [(identity("czj"), shanghai)])
    filed = next(r for r in shanghai.expenditure if r.code == "2010601")
    assert filed.basic == Decimal("1503.52")  # read from the example file
    line = next(r for r in rows(files, "table3-expenditure") if r["code"] == "2010601")
    assert line["basic"] == f"{filed.basic:.2f}" == "1503.52"
    assert line["project"] == "8.37"
    assert line["remit_superior"] == "" and line["operating"] == ""  # absent, not 0
    assert line["name"] == "行政运行" and line["level"] == "3"
    # 2010602 has no 基本支出 in the filing: an empty cell
    assert next(r for r in rows(files, "table3-expenditure") if r["code"] == "2010602")["basic"] == ""
    # 表1 side by side: an income row has no 支出 amount
    income = next(r for r in rows(files, "table1-income-expenditure-summary")
                  if r["row_key"] == "income.general_budget")
    assert (income["section"], income["income"], income["expenditure"]) == ("收入", "2940.06", "")
    (disclosure,) = rows(files, "disclosures")
    assert disclosure["grand_total"] == "2995.40" and disclosure["expenditure_total"] == "2940.06"
    assert disclosure["three_public_final"] == ""


def test_codes_stay_strings_with_their_leading_zeros(shanghai: Filing, tmp_path: Path) -> None:
    who = identity("0100", department="007")
    files = build_package("310107", "上海市普陀区", 2024, [(who, shanghai)])
    assert_valid(files, tmp_path)
    package = frictionless.Package(str(tmp_path / DESCRIPTOR))
    read = package.get_resource("table6-general-budget-basic").read_rows()
    first = read[0]
    assert (first["department"], first["unit"], first["code"]) == ("007", "0100", "301")
    assert isinstance(first["code"], str) and first["personnel"] == Decimal("2082.86")
    table2 = package.get_resource("table2-income").read_rows()
    coded = next(r for r in table2 if r["code"] == "2010601")
    assert coded["total"] == Decimal("1511.90") and coded["business"] is None


def test_the_suizhou_template_fits_the_same_schema(suizhou: Filing, tmp_path: Path) -> None:
    who = Identity("421300", "湖北省随州市", 2020, "zwfw", "随州市政务服务和大数据管理局", "zwfw", "本级")
    files = build_package("421300", "湖北省随州市", 2020, [(who, suizhou)])
    assert_valid(files, tmp_path)
    # its 表9 prints no income columns: they are empty, the 本年支出 columns are there
    (line,) = rows(files, "table9-state-capital")
    assert line["opening"] == "" and line["income"] == "" and line["row_key"] == "total"
    tables = build_tables(suizhou)
    (three_public,) = rows(files, "table7-three-public")
    assert three_public["total_final"] == f"{tables[7].cell('three_public', 'total.final'):.2f}"


def test_synthetic_filings_of_one_region_year(tmp_path: Path) -> None:
    generate = load_generator()
    filings = [generate.generate_filing(seed, rows=40, year=2023) for seed in (1, 2, 3)]
    items = [(identity(f"u{n}", year=2023), filing) for n, filing in enumerate(filings)]
    files = build_package("310107", "上海市普陀区", 2023, items)
    assert_valid(files, tmp_path)
    assert len(rows(files, "disclosures")) == 3
    table3 = rows(files, "table3-expenditure")
    assert len(table3) == sum(len(build_tables(f)[3].rows) for f in filings)
    assert [r["unit"] for r in table3] == sorted(r["unit"] for r in table3)  # sorted by disclosure
    for line in table3:
        for name in ("total", "basic", "project"):
            assert line[name] == "" or Decimal(line[name]) == Decimal(line[name]).quantize(Decimal("0.01"))
    # the same input in another order gives the same bytes
    again = build_package("310107", "上海市普陀区", 2023, list(reversed(items)))
    assert again == files
    assert package_zip(again) == package_zip(files)


def test_the_zip_holds_the_package(shanghai: Filing, tmp_path: Path) -> None:
    files = build_package("310107", "上海市普陀区", 2024, [(identity("czj"), shanghai)])
    with zipfile.ZipFile(io.BytesIO(package_zip(files))) as archive:
        assert sorted(archive.namelist()) == sorted(files)
        assert archive.read("data/table3-expenditure.csv") == files["data/table3-expenditure.csv"]


def test_frictionless_catches_a_line_without_its_disclosure(shanghai: Filing, tmp_path: Path) -> None:
    """The validation is not vacuous: a table line pointing at no disclosure is an error."""
    files = build_package("310107", "上海市普陀区", 2024, [(identity("czj"), shanghai)])
    name = "data/table8-government-fund.csv"
    files[name] = files[name].replace(b"2024,czj,czj,", b"2024,czj,nobody,")
    report = validate(files, tmp_path)
    assert not report.valid
    assert "foreign-key" in [kind for (kind,) in report.flatten(["type"])]


def test_created_is_the_time_given(shanghai: Filing) -> None:
    from datetime import UTC, datetime

    files = build_package("310107", "上海市普陀区", 2024, [(identity("czj"), shanghai)],
                          created=datetime(2025, 3, 1, 8, 30, tzinfo=UTC))
    assert json.loads(files[DESCRIPTOR])["created"] == "2025-03-01T08:30:00Z"


@pytest.mark.parametrize(("items", "message"), [
    ([], "没有公开的部门决算"),
    ([(identity("a", year=2023), "x")], "不是 2024 年度的决算"),
    ([(identity("a"), "x"), (identity("a"), "x")], "出现了两次"),
])
def test_bad_input_is_refused_in_chinese(items: Any, message: str) -> None:
    with pytest.raises(PackageError, match=message):
        build_package("310107", "上海市普陀区", 2024, items)


def test_the_command_writes_a_valid_package(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from juesuan.cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["datapackage", str(EXAMPLES / "shanghai-putuo-czj-2024.yaml"),
                                      "-o", str(out), "--region", "310107"])
    assert result.exit_code == 0, result.output
    report = frictionless.validate(str(out / DESCRIPTOR))
    assert report.valid, report.flatten(["type", "note"])[:5]
    (line,) = csv.DictReader(io.StringIO((out / "data/disclosures.csv").read_text("utf-8")))
    assert (line["region"], line["unit"], line["region_name"]) == ("310107", "shanghai-putuo-czj-2024", "上海市普陀区")
    mixed = CliRunner().invoke(app, ["datapackage", str(EXAMPLES / "shanghai-putuo-czj-2024.yaml"),
                                     str(EXAMPLES / "suizhou-zwfw-2020.yaml"), "-o", str(out), "-r", "1"])
    assert mixed.exit_code == 2 and "不是 2024 年度的决算" in mixed.output
