"""Imports: YAML and JSON filing files, the XLSX the site's 下载 gives and a published report,
into an existing filing (previewed, then confirmed: test_import_preview.py) and as a new one;
bad uploads give messages."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.web.conftest import EXAMPLES
from tests.web.test_editor import content, versions

from juesuan.filing.io import filing_from_data, filing_to_data
from juesuan.filing.model import Filing
from juesuan.render.xlsx import tables_to_xlsx
from juesuan.tables.build import build_tables
from juesuan.web.diff import Change, diff

pytestmark = pytest.mark.django_db

REPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
SHANGHAI_YAML = EXAMPLES / "shanghai-putuo-czj-2024.yaml"


def import_url(record: Any) -> str:
    return f"/desk/f/{record.pk}/import/"


def preview(client: Any, record: Any, name: str, data: bytes, base: int = 1) -> Any:
    """Step 1: the file is read (a background job, run at once in tests) and previewed, nothing
    saved; the job's page leads on to the preview."""
    return client.post(import_url(record), {"_base": str(base), "file": SimpleUploadedFile(name, data)},
                       follow=True)


def token_of(page: str) -> str | None:
    match = re.search(r'name="_token" value="([^"]+)"', page)
    return match.group(1) if match else None


def confirm(client: Any, record: Any, token: str, *, other: bool = False) -> Any:
    """Step 2: 确认导入, with the box "我确认导入其他单位的数据" ticked or not."""
    return client.post(import_url(record), {"_token": token, **({"_other": "1"} if other else {})})


def upload(client: Any, record: Any, name: str, data: bytes, base: int = 1) -> Any:
    """Preview and confirm as the user would, ticking the confirmation the preview asks for (the
    fixtures' 单位A is not the 上海市普陀区财政局 of the example files); a refused upload gives
    its refusal."""
    response = preview(client, record, name, data, base)
    page = response.content.decode()
    token = token_of(page)
    if response.status_code != 200 or token is None:
        return response
    return confirm(client, record, token, other='name="_other"' in page)


def changed(filing: Filing, **parts: Any) -> Filing:
    data = filing_to_data(filing)
    data.update(parts)
    return filing_from_data({k: v for k, v in data.items() if v is not None}, "测试")


def xlsx_of(filing: Filing) -> bytes:
    return tables_to_xlsx(build_tables(filing))


# --- filing files ---------------------------------------------------------------------------------------


def test_yaml_file_replaces_the_content(client: Any, world: Any, make_record: Any,
                                        example_filing: Filing) -> None:
    from juesuan.web.filings.models import AuditEvent

    record = make_record("a", filing=example_filing)  # the example file as it is
    before = content(record)
    text = SHANGHAI_YAML.read_text(encoding="utf-8").replace("general_budget: 1511.89", "general_budget: 1511.99")
    client.force_login(world.users["unit_a"])
    page = upload(client, record, "普陀区财政局.yaml", text.encode()).content.decode()
    assert "已导入YAML 填报文件“普陀区财政局.yaml”，保存为第 2 版" in page
    assert diff(before, content(record)) == [Change("income[2010601].general_budget", "1511.89", "1511.99")]
    assert record.current.source == "yaml" and "普陀区财政局.yaml" in record.current.note
    event = AuditEvent.objects.filter(record=record, action="import").get()
    assert event.detail["file"] == "普陀区财政局.yaml" and event.detail["version"] == 2


def test_json_file_replaces_the_content(client: Any, world: Any, make_record: Any, suizhou_filing: Filing) -> None:
    record = make_record("a", year=2020, filing=suizhou_filing)
    data = filing_to_data(suizhou_filing)
    data["operating_costs"]["final"] = "12.34"
    client.force_login(world.users["unit_a"])
    response = upload(client, record, "export", json.dumps(data, ensure_ascii=False).encode())  # no suffix
    assert response.status_code == 200
    assert record.versions.get(number=2).source == "json"
    assert content(record)["operating_costs"]["final"] == "12.34"
    # The same file again changes nothing and says so.
    again = upload(client, record, "export.json", json.dumps(data, ensure_ascii=False).encode(), base=2)
    assert "内容与当前版本相同，没有保存新版本" in again.content.decode() and versions(record) == 2


def test_a_filing_of_another_year_is_refused(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    response = upload(client, record, "suizhou.yaml", (EXAMPLES / "suizhou-zwfw-2020.yaml").read_bytes())
    assert response.status_code == 400
    assert "suizhou.yaml：文件是 2020 年度的填报，这份填报是 2024 年度" in response.content.decode()
    assert versions(record) == 1


# --- tables and reports ------------------------------------------------------------------------------------


def test_xlsx_tables_replace_the_table_parts_only(client: Any, world: Any, make_record: Any,
                                                  shanghai_filing: Filing) -> None:
    old = filing_to_data(shanghai_filing)
    current = changed(shanghai_filing, income=[],
                      expenditure=[{"code": "2010601", "basic": "1.00"}],
                      department={**old["department"], "short_name": "普陀财政"},
                      reasons={"income_change": "当前版本的原因"})
    record = make_record("a", filing=current)
    client.force_login(world.users["unit_a"])
    page = upload(client, record, "决算表.xlsx", xlsx_of(shanghai_filing)).content.decode()
    assert "已导入XLSX 决算表“决算表.xlsx”，保存为第 2 版" in page
    assert "收入（11 行）" in page and "支出（11 行）" in page and "基本支出经济分类" in page
    assert "部门名称（department.name" in page  # listed under 未能提取
    data = content(record)
    assert data["income"][0] == {"code": "2010601", "name": "行政运行", "general_budget": "1511.89", "other": "0.01"}
    assert [r["code"] for r in data["income"]] == [r["code"] for r in old["income"]]
    assert data["expenditure"][0] == {"code": "2010601", "basic": "1503.52", "project": "8.37"}
    assert data["basic_economic"][0]["code"] == old["basic_economic"][0]["code"]
    assert data["basic_economic"][0]["amount"] == old["basic_economic"][0]["amount"]
    # Kept from the current version.
    assert data["department"]["short_name"] == "普陀财政" and data["reasons"] == {"income_change": "当前版本的原因"}
    assert data["organisation"] == old["organisation"] and data["prior_year"] == old["prior_year"]
    assert data["three_public"] == old["three_public"]  # 表7 amounts could not be read: unchanged
    assert "表7 中未能读出金额，保留当前版本" in page
    assert record.current.source == "xlsx"


def test_xlsx_into_a_filing_in_yuan_is_converted(client: Any, world: Any) -> None:
    from juesuan.filing.io import load_filing
    from juesuan.web.filings import services

    empty = filing_from_data({"year": 2024, "unit": "元", "income": [], "expenditure": [],
                              "department": {"name": "单位A", "region": "上海市普陀区", "level": "县级"}}, "空")
    record = services.create_record(world.units["a"], 2024, empty, world.users["unit_a"])
    client.force_login(world.users["unit_a"])
    upload(client, record, "tables.xlsx", xlsx_of(load_filing(SHANGHAI_YAML).filing))
    data = content(record)
    assert data["unit"] == "元"
    assert data["income"][0]["general_budget"] == "15118900.00" and data["income"][0]["other"] == "100.00"


def test_published_report_replaces_the_table_parts(client: Any, world: Any, make_record: Any,
                                                   shanghai_filing: Filing) -> None:
    old = filing_to_data(shanghai_filing)
    record = make_record("a", filing=changed(shanghai_filing, expenditure=[], carry_over=[]))
    client.force_login(world.users["unit_a"])
    report = (REPORTS / "01_shanghai-putuo-czj-2024.txt").read_bytes()
    page = upload(client, record, "01_shanghai-putuo-czj-2024.txt", report).content.decode()
    assert "已导入公开报告“01_shanghai-putuo-czj-2024.txt”，保存为第 2 版" in page
    data = content(record)
    assert data["expenditure"][0] == {"code": "2010601", "basic": "1503.52", "project": "8.37"}
    assert len(data["expenditure"]) == 11
    assert data["carry_over"] == [{"fund": "general_budget", "opening": "21.63", "closing": "21.63"},
                                  {"fund": "non_fiscal", "opening": "27.51", "closing": "33.71"}]
    assert data["three_public"]["reception"] == {"budget": "0.95"}  # blank finals as printed
    assert data["organisation"] == old["organisation"] and data["reasons"] == old["reasons"]
    assert data["performance"] == old["performance"] if "performance" in old else "performance" not in data
    assert record.current.source == "report"


def test_new_filing_from_a_published_report(client: Any, world: Any) -> None:
    from juesuan.web.filings.models import FilingRecord

    client.force_login(world.users["unit_a"])
    report = SimpleUploadedFile("report.txt", (REPORTS / "01_shanghai-putuo-czj-2024.txt").read_bytes())
    wrong = client.post("/desk/new/", {"unit": world.units["a"].pk, "year": "2025", "start": "upload",
                                       "file": report})
    assert wrong.status_code == 400 and "report.txt：文件是 2024 年度的，与所选年度 2025 不符" in wrong.content.decode()
    report.seek(0)
    # The report is 上海市普陀区财政局's, not 单位A's: refused unless confirmed.
    other = client.post("/desk/new/", {"unit": world.units["a"].pk, "year": "2024", "start": "upload",
                                       "file": report})
    assert other.status_code == 400 and not FilingRecord.objects.exists()
    assert ("report.txt：文件中的部门是“上海市普陀区财政局”，与所选单位“单位A”不符，未新建。"
            "如确要由这份文件新建，请勾选“我确认导入其他单位的数据”后重新上传。") in other.content.decode()
    report.seek(0)
    response = client.post("/desk/new/", {"unit": world.units["a"].pk, "year": "2024", "start": "upload",
                                          "file": report, "_other": "1"}, follow=True)
    record = FilingRecord.objects.get(unit=world.units["a"], year=2024)
    assert "已由公开报告“report.txt”新建 2024 年度填报" in response.content.decode()
    data = content(record)
    assert data["department"]["name"] == "上海市普陀区财政局" and data["year"] == 2024
    assert data["income"][0]["general_budget"] == "1511.89" and len(data["income"]) == 11
    assert record.current.source == "report"


def test_new_filing_from_tables_takes_the_units_name(client: Any, world: Any, shanghai_filing: Filing) -> None:
    from juesuan.web.filings.models import FilingRecord

    client.force_login(world.users["unit_a"])
    tables = SimpleUploadedFile("t.xlsx", xlsx_of(shanghai_filing))
    client.post("/desk/new/", {"unit": world.units["a"].pk, "year": "2024", "start": "upload", "file": tables})
    data = content(FilingRecord.objects.get(unit=world.units["a"], year=2024))
    assert data["department"]["name"] == "单位A" and data["department"]["region"] == "上海市普陀区"
    assert data["year"] == 2024 and len(data["expenditure"]) == 11


def test_new_filing_from_a_yaml_file(client: Any, world: Any, suizhou_filing: Filing) -> None:
    from juesuan.web.filings.models import FilingRecord

    client.force_login(world.users["unit_b"])
    yaml_file = SimpleUploadedFile("suizhou.yaml", (EXAMPLES / "suizhou-zwfw-2020.yaml").read_bytes())
    client.post("/desk/new/", {"unit": world.units["b"].pk, "year": "2020", "start": "upload", "file": yaml_file,
                               "_other": "1"})  # the example's department is not 单位B
    record = FilingRecord.objects.get(unit=world.units["b"], year=2020)
    assert content(record) == filing_to_data(suizhou_filing) and record.current.source == "yaml"


def test_real_published_pdf(client: Any, world: Any, make_record: Any, shanghai_filing: Filing) -> None:
    record = make_record("a", filing=changed(shanghai_filing, basic_economic=[]))
    client.force_login(world.users["unit_a"])
    pdf = (REPORTS.parent / "pdfs" / "01_shanghai-putuo-czj-2024.pdf").read_bytes()
    page = upload(client, record, "普陀区财政局2024年度部门决算.pdf", pdf).content.decode()
    assert "已导入公开报告“普陀区财政局2024年度部门决算.pdf”，保存为第 2 版" in page
    assert "基本支出经济分类（23 行）" in page
    data = content(record)
    assert data["basic_economic"] == filing_to_data(shanghai_filing)["basic_economic"]
    assert data["income"][0]["general_budget"] == "1511.89"


def test_a_scheme_file_path_is_refused(client: Any, world: Any, make_record: Any, suizhou_filing: Filing) -> None:
    record = make_record("a", year=2020, filing=suizhou_filing)
    text = (EXAMPLES / "suizhou-zwfw-2020.yaml").read_text(encoding="utf-8")
    assert "scheme: hubei-2020" in text
    client.force_login(world.users["unit_a"])
    response = upload(client, record, "s.yaml", text.replace("scheme: hubei-2020", "scheme: /etc/passwd").encode())
    assert response.status_code == 400
    assert "s.yaml：performance.scheme 评分办法应为内置办法之一" in response.content.decode()
    assert versions(record) == 1


# --- bad uploads ------------------------------------------------------------------------------------------


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


BAD = [
    ("garbage.bin", bytes(range(256)) * 8, "garbage.bin：不是文本文件，也不是 PDF、DOCX 或 XLSX 文件"),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "photo.png：不支持的文件类型（看起来是PNG 图片）"),
    ("empty.yaml", b"", "empty.yaml：文件是空的"),
    ("broken.yaml", b"year: 2024\nunit: [\n", "broken.yaml:3: YAML 格式错误"),
    ("wrong.json", b'{"year": 2024,}', "wrong.json:1: JSON 格式错误"),
    ("partial.yaml", "year: 2024\nunit: 万元\ndepartment: {name: 某局}\nincome: []\nexpenditure: []\n".encode(),
     "partial.yaml:3 [department.region]: 缺少必填项"),
    ("archive.zip", _zip(), "archive.zip：是 ZIP 压缩包，但不是 Excel（.xlsx）或 Word（.docx）文件"),
    ("broken.pdf", b"%PDF-1.4\n garbage", "broken.pdf：PDF 文件已损坏或格式不受支持"),
    ("notes.txt", "随便写的一些文字，不是决算报告。".encode(), "notes.txt：未能从文件中读出任何决算表或绩效自评表"),
    ("gbk.yaml", "year: 2024\nunit: 万元\n".encode() + "备注: 中文".encode("gbk"), "gbk.yaml：文件看起来是 GBK/GB18030 编码"),
    ("../../etc/passwd.yaml", b"year: [", "passwd.yaml:1: YAML 格式错误"),
    ("encrypted.pdf", (REPORTS.parent / "pdfs" / "encrypted.pdf").read_bytes(), "encrypted.pdf：PDF 已加密，需要密码才能打开"),
    # A filing in GBK is recognised by its content, whatever its name: the encoding hint, not
    # "no tables found".
    ("普陀区财政局.txt", SHANGHAI_YAML.read_text(encoding="utf-8").encode("gb18030"),
     "普陀区财政局.txt：文件看起来是 GBK/GB18030 编码，请用 UTF-8 编码另存后再导入"),
    ("普陀区财政局", SHANGHAI_YAML.read_text(encoding="utf-8").encode("gb18030"),
     "普陀区财政局：文件看起来是 GBK/GB18030 编码，请用 UTF-8 编码另存后再导入"),
    ("gbk-json.txt", '{"year": 2024, "unit": "万元", "department": {"name": "某局"}}'.encode("gbk"),
     "gbk-json.txt：文件看起来是 GBK/GB18030 编码"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_uploads_give_messages(client: Any, world: Any, make_record: Any, name: str, data: bytes,
                                   message: str) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    response = upload(client, record, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert versions(record) == 1
    created = client.post("/desk/new/", {"unit": world.units["a"].pk, "year": "2023", "start": "upload",
                                         "file": SimpleUploadedFile(name, data)})
    assert created.status_code == 400 and message in created.content.decode()


def test_a_gbk_report_is_still_read_as_a_report() -> None:
    """Only a filing must be UTF-8: a published report in GBK is decoded by the report reader."""
    from juesuan.web.filings.imports import Upload, detect

    report = (REPORTS / "01_shanghai-putuo-czj-2024.txt").read_text(encoding="utf-8").encode("gb18030")
    assert detect(Upload("report.txt", report)).kind == "report"
    assert detect(Upload("report", report)).kind == "report"


def test_too_large_and_missing_uploads(client: Any, world: Any, make_record: Any, settings: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    settings.UPLOAD_LIMIT = 1024 * 1024
    big = upload(client, record, "big.yaml", b"#" * (2 * 1024 * 1024))
    assert big.status_code == 400 and "big.yaml：文件有 2.0 MB，超过上限 1 MB，未导入" in big.content.decode()
    none = client.post(import_url(record), {"_base": "1"})
    assert none.status_code == 400 and "请选择要导入的文件" in none.content.decode()
    assert versions(record) == 1


def test_import_on_an_outdated_version_is_a_conflict(client: Any, world: Any, make_record: Any,
                                                     shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services

    record = make_record("a")
    services.save_version(record, changed(shanghai_filing, surplus_distribution="1.00"), world.users["admin"],
                          base=1)
    client.force_login(world.users["unit_a"])
    response = upload(client, record, "a.yaml", SHANGHAI_YAML.read_bytes(), base=1)
    page = response.content.decode()
    assert response.status_code == 409 and "保存为第 2 版（您编辑的是第 1 版）" in page
    assert f"/desk/f/{record.pk}/versions/1/diff/2/" in page
    assert versions(record) == 2 and content(record)["surplus_distribution"] == "1.00"


def test_an_import_without_the_base_version_is_refused(client: Any, world: Any, make_record: Any,
                                                      shanghai_filing: Filing) -> None:
    """Like the section forms: without the version the page was opened on, an import would
    overwrite a newer version unseen."""
    from juesuan.web.filings import services

    record = make_record("a")
    services.save_version(record, changed(shanghai_filing, surplus_distribution="1.00"), world.users["admin"],
                          base=1)
    client.force_login(world.users["unit_a"])
    for form in ({}, {"_base": ""}, {"_base": "二"}):
        response = client.post(import_url(record), {**form, "file": SimpleUploadedFile("a.yaml",
                                                                                      SHANGHAI_YAML.read_bytes())})
        assert response.status_code == 400
        assert "表单缺少所依据的版本号，未导入" in response.content.decode()
    assert versions(record) == 2 and content(record)["surplus_distribution"] == "1.00"


def test_the_import_and_its_log_entry_are_written_together(client: Any, world: Any, make_record: Any,
                                                          monkeypatch: Any) -> None:
    """The version and its "import" audit event are one transaction: if the log entry cannot be
    written, neither is the version."""
    from juesuan.web.filings import services
    from juesuan.web.filings.models import AuditEvent

    record = make_record("a")
    log = services.log

    def failing(request: Any, action: str, *args: Any, **kwargs: Any) -> None:
        if action == "import":
            raise RuntimeError("操作日志写入失败")
        log(request, action, *args, **kwargs)

    monkeypatch.setattr(services, "log", failing)
    client.force_login(world.users["unit_a"])
    text = SHANGHAI_YAML.read_text(encoding="utf-8").replace("general_budget: 1511.89", "general_budget: 1511.99")
    with pytest.raises(RuntimeError, match="操作日志写入失败"):
        upload(client, record, "a.yaml", text.encode())
    assert versions(record) == 1
    assert not AuditEvent.objects.filter(record=record).exclude(action="create").exists()
    monkeypatch.setattr(services, "log", log)
    assert upload(client, record, "a.yaml", text.encode()).status_code == 200
    assert versions(record) == 2
    assert AuditEvent.objects.filter(record=record, action="import").get().detail["version"] == 2
    assert AuditEvent.objects.filter(record=record, action="save").get().detail["version"] == 2


def test_a_database_locked_too_long_is_a_409_not_a_500(client: Any, world: Any, make_record: Any,
                                                       monkeypatch: Any) -> None:
    """SQLite's "database is locked" (another save held it past the busy timeout): nothing is
    saved, the user is told to try again (test_races.py holds a real lock)."""
    from django.db import OperationalError

    from juesuan.web.filings import services

    def locked(record: Any) -> Any:
        raise OperationalError("database is locked")

    record = make_record("a")
    monkeypatch.setattr(services, "_lock", locked)
    client.force_login(world.users["unit_a"])
    text = SHANGHAI_YAML.read_text(encoding="utf-8").replace("general_budget: 1511.89", "general_budget: 1511.99")
    response = upload(client, record, "a.yaml", text.encode())
    assert response.status_code == 409 and "数据库暂时繁忙，本次未保存" in response.content.decode()
    assert versions(record) == 1


def test_an_unchanged_import_is_logged_without_a_version(client: Any, world: Any, make_record: Any,
                                                        example_filing: Filing) -> None:
    from juesuan.web.filings.models import AuditEvent

    record = make_record("a", filing=example_filing)
    client.force_login(world.users["unit_a"])
    assert upload(client, record, "a.yaml", SHANGHAI_YAML.read_bytes()).status_code == 200
    assert versions(record) == 1
    event = AuditEvent.objects.filter(record=record, action="import").get()
    assert event.detail["version"] == 1 and event.detail["created"] is False


# Reviewers do not see a draft at all (404), like another unit's editor.
@pytest.mark.parametrize(("who", "status"), [("dept_a", 404), ("finance_a", 404), ("unit_b", 404)])
def test_only_editors_may_import(client: Any, world: Any, make_record: Any, who: str, status: int) -> None:
    record = make_record("a")
    client.force_login(world.users[who])
    assert upload(client, record, "a.yaml", SHANGHAI_YAML.read_bytes()).status_code == status
    assert versions(record) == 1


def test_import_page_explains_what_is_taken(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    page = client.get(import_url(record)).content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="_base" value="1"' in page
    assert "部门信息、机构职能、增减原因、绩效自评等保留当前版本" in page
    # In words, no command line; and the preview comes first.
    assert "juesuan tables" not in page and "--format" not in page
    assert "本系统“下载”中的 XLSX 决算表" in page
    assert "先显示预览" in page and "“确认导入”才保存为新版本" in page
