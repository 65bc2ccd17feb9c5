"""Regression tests of the defects found in the review of the web app: each test failed before
its fix (a 500, a bricked filing, an unbounded upload, a stale review step, a broken header)."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.web.conftest import EXAMPLES, PUBLISHED
from tests.web.test_editor import content, versions

from juesuan.filing.io import filing_to_data
from juesuan.filing.model import Filing
from juesuan.web.filings import services
from juesuan.web.filings.forms_schema import SECTION_BY_SLUG, to_form
from juesuan.web.workflow import Action, State

pytestmark = pytest.mark.django_db

SHANGHAI_YAML = (EXAMPLES / "shanghai-putuo-czj-2024.yaml").read_text(encoding="utf-8")


def form_of(record: Any, slug: str, **changes: str) -> dict[str, str]:
    """What the browser posts for a section of the saved filing, with ``changes``."""
    values = to_form(SECTION_BY_SLUG[slug].nodes, content(record))
    values.update(changes, _base=str(record.current.number))
    return values


def upload(client: Any, record: Any, name: str, data: bytes) -> Any:
    return client.post(f"/desk/f/{record.pk}/import/", {"_base": "1", "file": SimpleUploadedFile(name, data)})


# --- digits that str.isdigit() accepts but int() does not ("²") ---------------------------------


@pytest.mark.parametrize(("url", "status", "message"), [
    ("/?year=²⁰²⁴", 200, "年度“²⁰²⁴”不是四位数字，已忽略该条件"),
    ("/disclosures.json?year=²⁰²⁴", 200, '"key": "310107/2024/da/ua"'),
    ("/compare/?d=310107/²⁰²⁴/da/ua&d=310107/2024/da/ua", 404, "中的年度“²⁰²⁴”不是四位数字"),
    ("/compare.json?d=310107/²⁰²⁴/da/ua&d=310107/2024/da/ua", 404, "中的年度“²⁰²⁴”不是四位数字"),
    ("/api/compare?d=310107/²⁰²⁴/da/ua&d=310107/2024/da/ua", 404, "中的年度“²⁰²⁴”不是四位数字"),
    ("/compare/?d=310107/" + "9" * 5000 + "/da/ua&d=310107/2024/da/ua", 404, "不是四位数字"),
])
def test_public_pages_take_superscript_and_endless_years(client: Client, make_record: Any, url: str, status: int,
                                                         message: str) -> None:
    make_record("a", steps=PUBLISHED)
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status
    assert message in response.content.decode()


def test_work_forms_take_superscript_digits(client: Client, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    client.raise_request_exception = False
    assert client.get("/desk/codes/?kind=functional&year=²⁰²⁴&q=201").status_code == 200
    stale = client.post(f"/desk/f/{record.pk}/edit/basic/", {**form_of(record, "basic"), "_base": "²"})
    assert stale.status_code == 200 and "表单缺少所依据的版本号" in stale.content.decode()
    rows = client.post(f"/desk/f/{record.pk}/edit/income/", {**form_of(record, "income"), "income.².code": "2010101"})
    assert rows.status_code in (200, 302)
    for year in ("²⁰²³", "9" * 5000):
        new = client.post("/desk/new/", {"unit": world.units["a"].pk, "year": year, "start": "empty"})
        assert new.status_code == 400 and "决算年度应为 2000 至 2100 之间的整数" in new.content.decode()
    assert versions(record) == 1


# --- amounts the decimal arithmetic cannot round ------------------------------------------------------


@pytest.mark.parametrize("amount", ["1e400", "1" * 30, "1" * 5000, "-1E+20"])
def test_a_huge_amount_is_refused_not_saved(client: Client, world: Any, make_record: Any, amount: str) -> None:
    """Saved, it made every page that checks the filing (overview, editor, portal) a 500."""
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    values = form_of(record, "operating-costs", **{"operating_costs.final": amount})
    checked = client.post(f"/desk/f/{record.pk}/edit/operating-costs/check/", values)
    assert checked.status_code == 200 and "超出可处理的范围" in checked.content.decode()
    saved = client.post(f"/desk/f/{record.pk}/edit/operating-costs/", values)
    assert saved.status_code == 200
    assert "超出可处理的范围（整数部分不超过 18 位）" in saved.content.decode()
    assert versions(record) == 1
    assert client.get(f"/desk/f/{record.pk}/").status_code == 200


def test_the_largest_real_amounts_still_save(client: Client, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    values = form_of(record, "operating-costs", **{"operating_costs.final": "999999999999999.99"})
    assert client.post(f"/desk/f/{record.pk}/edit/operating-costs/", values).status_code == 302
    assert content(record)["operating_costs"]["final"] == "999999999999999.99"
    assert client.get(f"/desk/f/{record.pk}/").status_code == 200


def test_an_imported_huge_amount_is_refused(client: Client, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    text = SHANGHAI_YAML.replace("operating_costs:\n  final: 184.65", "operating_costs:\n  final: 1e400", 1)
    assert "final: 1e400" in text
    response = upload(client, record, "huge.yaml", text.encode())
    assert response.status_code == 400
    assert "operating_costs.final" in response.content.decode()
    assert "超出可处理的范围（整数部分不超过 18 位）" in response.content.decode()
    assert versions(record) == 1
    assert client.get(f"/desk/f/{record.pk}/").status_code == 200


# --- integers of thousands of digits (Python refuses to convert more than 4300) -----------------------


@pytest.mark.parametrize(("slug", "field"), [("basic", "year"), ("three-public", "three_public.outbound.groups")])
def test_an_endless_integer_in_a_form_is_a_message(client: Client, world: Any, make_record: Any, slug: str,
                                                   field: str) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    values = form_of(record, slug, **{field: "9" * 5000})
    checked = client.post(f"/desk/f/{record.pk}/edit/{slug}/check/", values)
    assert checked.status_code == 200 and "数值位数过多（5000 位）" in checked.content.decode()
    saved = client.post(f"/desk/f/{record.pk}/edit/{slug}/", values)
    assert saved.status_code == 200 and "数值位数过多（5000 位），应为不超过 18 位的整数" in saved.content.decode()
    assert versions(record) == 1


def test_a_count_of_twenty_digits_is_refused(client: Client, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    values = form_of(record, "three-public", **{"three_public.outbound.groups": "1" * 20})
    saved = client.post(f"/desk/f/{record.pk}/edit/three-public/", values)
    assert saved.status_code == 200 and "数值位数过多（20 位）" in saved.content.decode()
    assert versions(record) == 1


@pytest.mark.parametrize(("name", "data"), [
    ("big.json", b'{"year": ' + b"9" * 5000 + b"}"),
    ("big.yaml", b"year: " + b"9" * 5000 + b"\nunit: \xe4\xb8\x87\xe5\x85\x83\nincome: []\n"),
])
def test_an_endless_integer_in_a_file_is_a_message(client: Client, world: Any, make_record: Any, name: str,
                                                   data: bytes) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    response = upload(client, record, name, data)
    page = response.content.decode()
    assert response.status_code == 400 and f"{name}:1: 文件中有位数过多的数字" in page
    created = client.post("/desk/new/", {"unit": world.units["a"].pk, "year": "2023", "start": "upload",
                                         "file": SimpleUploadedFile(name, data)})
    assert created.status_code == 400 and "位数过多" in created.content.decode()
    assert versions(record) == 1


# --- uploads that expand: zip bombs, YAML aliases -----------------------------------------------------


def _zip_bomb(first: str, size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(first, b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            chunk = b"<row><c><v>1</v></c></row>" * 40000
            written = 0
            while written < size:
                entry.write(chunk)
                written += len(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "first"), [("bomb.xlsx", "xl/workbook.xml"), ("bomb.docx", "word/document.xml")])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(client: Client, world: Any, make_record: Any, name: str,
                                                     first: str) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    data = _zip_bomb(first, 101 * 1024 * 1024)  # the limit is 100 MB
    assert len(data) < 2 * 1024 * 1024  # small upload, over 100 MB unpacked
    started = time.monotonic()
    response = upload(client, record, name, data)
    assert time.monotonic() - started < 20  # hang guard
    assert response.status_code == 400
    assert f"{name}：解压后有 101 MB，超过上限 100 MB，未导入" in response.content.decode()
    assert versions(record) == 1


def test_yaml_aliases_cannot_multiply_a_filing(client: Client, world: Any, make_record: Any) -> None:
    """Each alias level multiplies by ten: about ten million rows from a few hundred bytes."""
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    levels = ["r0: &r0 {code: '2010101', general_budget: '1'}"]
    for level in range(1, 8):
        levels.append(f"r{level}: &r{level} [" + ", ".join([f"*r{level - 1}"] * 10) + "]")
    text = "\n".join(levels) + "\n" + SHANGHAI_YAML.replace("income:\n", "income: *r7\nold_income:\n", 1)
    started = time.monotonic()
    response = upload(client, record, "aliases.yaml", text.encode())
    assert time.monotonic() - started < 20  # hang guard
    assert response.status_code == 400 and "aliases.yaml：文件中的数据项过多" in response.content.decode()
    assert versions(record) == 1


def test_a_filing_with_a_few_aliases_still_imports(client: Client, world: Any, make_record: Any,
                                                   suizhou_filing: Filing) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    text = SHANGHAI_YAML.replace("department:\n", "department: &dept\n", 1) + "x_copy: *dept\n"
    response = upload(client, record, "aliases.yaml", text.encode())
    assert "数据项过多" not in response.content.decode()  # refused for the unknown key only
    assert "x_copy" in response.content.decode()


# --- creating the same unit and year twice ------------------------------------------------------------


def test_a_second_click_on_new_is_a_message_not_a_500(client: Client, world: Any, monkeypatch: Any,
                                                      shanghai_filing: Filing) -> None:
    from juesuan.web.filings import editor

    start = editor._start

    def meanwhile(unit: Any, year: int, how: str) -> Any:
        services.create_record(unit, year, shanghai_filing.model_copy(update={"year": year}), world.users["unit_a"])
        return start(unit, year, how)

    monkeypatch.setattr(editor, "_start", meanwhile)
    client.force_login(world.users["unit_a"])
    client.raise_request_exception = False
    response = client.post("/desk/new/", {"unit": world.units["a"].pk, "year": "2024", "start": "empty"})
    assert response.status_code == 409
    assert "单位A 2024 年度的填报已经存在" in response.content.decode()
    assert world.units["a"].filings.count() == 1


# --- a review step on a version the reviewer has not seen --------------------------------------------


def test_a_review_step_from_a_stale_page_is_refused(client: Client, world: Any, make_record: Any) -> None:
    record = make_record("a", steps=(Action.SUBMIT,))
    client.force_login(world.users["dept_a"])
    page = client.get(f"/desk/f/{record.pk}/").content.decode()
    assert '<input type="hidden" name="version" value="1">' in page
    # Meanwhile the unit withdraws, changes a figure and submits again.
    services.transition(record, Action.WITHDRAW, world.users["unit_a"])
    changed = filing_to_data(services.filing_of(record.current))
    changed["operating_costs"]["final"] = "1.00"
    from juesuan.filing.io import filing_from_data

    services.save_version(record, filing_from_data(changed, "测试"), world.users["unit_a"], base=1)
    services.transition(record, Action.SUBMIT, world.users["unit_a"])
    stale = client.post(f"/desk/f/{record.pk}/act/department_approve/", {"version": "1"}, follow=True)
    record.refresh_from_db()
    assert record.state == State.SUBMITTED.value
    assert "此填报已更新为第 2 版（您看到的是第 1 版），未部门审核通过" in stale.content.decode()
    fresh = client.post(f"/desk/f/{record.pk}/act/department_approve/", {"version": "2"})
    record.refresh_from_db()
    assert fresh.status_code == 302 and record.state == State.DEPARTMENT_APPROVED.value


def test_a_second_click_on_a_review_step_says_what_happened(client: Client, world: Any, make_record: Any) -> None:
    record = make_record("a", steps=(Action.SUBMIT,))
    client.force_login(world.users["dept_a"])
    first = client.post(f"/desk/f/{record.pk}/act/department_approve/", {"version": "1"})
    assert first.status_code == 302
    second = client.post(f"/desk/f/{record.pk}/act/department_approve/", {"version": "1"})
    assert second.status_code == 403
    assert "“部门审核通过”只能在已上报状态下进行，当前为部门已审核。可能刚由您或他人处理过" in second.content.decode()
    assert record.steps.filter(action=Action.DEPARTMENT_APPROVE.value).count() == 1
    outsider = Client()
    outsider.force_login(world.users["unit_a"])
    refused = outsider.post(f"/desk/f/{record.pk}/act/finance_approve/")
    assert refused.status_code == 403 and "您没有权限进行此操作" in refused.content.decode()


# --- downloads from the working area ------------------------------------------------------------------


def test_a_download_name_with_chinese_and_quotes_is_a_valid_header(client: Client, world: Any,
                                                                   make_record: Any) -> None:
    unit = world.units["a"]
    unit.code = '普陀"01'
    unit.save()
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    response = client.get(f"/desk/f/{record.pk}/v1.yaml")
    header = response["Content-Disposition"]
    assert header.isascii() and "\n" not in header
    assert header.startswith('attachment; filename="01-2024-v1.yaml"; ')
    # The name in the words of the trade: 单位A2024年度部门决算（第1版）填报文件.yaml.
    assert "filename*=UTF-8''%E5%8D%95%E4%BD%8DA2024%E5%B9%B4%E5%BA%A6" in header
    from urllib.parse import unquote
    assert unquote(header.split("filename*=UTF-8''")[1]) == "单位A2024年度部门决算（第1版）填报文件.yaml"
    pdf = client.get(f"/desk/f/{record.pk}/v1.json")["Content-Disposition"]
    assert unquote(pdf.split("filename*=UTF-8''")[1]) == "单位A2024年度部门决算（第1版）.json"


def test_a_working_document_runs_in_a_sandbox(client: Client, world: Any, make_record: Any) -> None:
    record = make_record("a", steps=(Action.SUBMIT,))
    client.force_login(world.users["finance_a"])
    policy = client.get(f"/desk/f/{record.pk}/v1.html")["Content-Security-Policy"]
    assert "sandbox allow-scripts" in policy and "allow-same-origin" not in policy


# --- error pages --------------------------------------------------------------------------------------


def test_error_pages_are_in_chinese(client: Client, world: Any, make_record: Any, monkeypatch: Any) -> None:
    record = make_record("a", steps=(Action.SUBMIT, Action.DEPARTMENT_RETURN))
    client.force_login(world.users["dept_a"])
    denied = client.post(f"/desk/f/{record.pk}/edit/basic/", {"_base": "1"})
    assert denied.status_code == 403 and "您没有权限修改此填报" in denied.content.decode()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["unit_a"])
    forged = strict.post(f"/desk/f/{record.pk}/act/submit/", {"comment": "x"})
    assert forged.status_code == 403 and "安全校验（CSRF）未通过" in forged.content.decode()

    def broken(version: Any) -> Any:
        raise RuntimeError("simulated")

    monkeypatch.setattr(services, "items_of", broken)
    client.raise_request_exception = False
    failed = client.get(f"/desk/f/{record.pk}/")
    assert failed.status_code == 500 and "服务器出错" in failed.content.decode()


def test_a_filing_file_of_several_megabytes_is_refused_before_parsing(
        client: Client, world: Any, make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    data = b"year: 2024\n" + b"# padding\n" * 600_000  # 6 MB of YAML comments
    response = upload(client, record, "big.yaml", data)
    page = response.content.decode()
    assert response.status_code == 400 and "big.yaml：填报文件 5.7 MB，超过 5 MB" in page
    assert versions(record) == 1


def test_a_published_document_runs_in_a_sandbox_and_posts_its_height(
        client: Client, world: Any, make_record: Any) -> None:
    make_record("a", steps=PUBLISHED)
    document = client.get("/310107/2024/da/ua/document.html")
    policy = document["Content-Security-Policy"]
    assert "sandbox allow-scripts" in policy and "allow-same-origin" not in policy
    assert b"juesuanDocumentHeight" in document.content
    page = client.get("/310107/2024/da/ua/").content.decode()
    assert 'class="document" sandbox="allow-scripts allow-popups"' in page
