"""导入 in two steps: the preview (the department and year in the file, what is replaced and
kept, the key totals, the changes) saves nothing; 确认导入 saves what was previewed, against the
version it was previewed on. A file of another unit or year needs an explicit confirmation."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from typing import Any

import pytest
from tests.web.conftest import EXAMPLES
from tests.web.test_editor import content, versions
from tests.web.test_imports import (
    REPORTS,
    SHANGHAI_YAML,
    changed,
    confirm,
    preview,
    token_of,
    xlsx_of,
)

from juesuan.filing.io import filing_from_data, filing_to_data
from juesuan.filing.model import Filing
from juesuan.web.diff import diff
from juesuan.web.filings.imports import Upload, read_upload

pytestmark = pytest.mark.django_db

CZJ = "01_shanghai-putuo-czj-2024.txt"  # 上海市普陀区财政局's published report
SHEGONGBU = "03_shanghai-putuo-shegongbu-2024.txt"  # 中共上海市普陀区委社会工作部's
EXPIRED = "这次导入的预览已失效"


def report(name: str) -> bytes:
    return (REPORTS / name).read_bytes()


def as_czj(world: Any) -> None:
    """Unit A named like the example files: the bureau's own accounts (本级) in the bureau."""
    department, unit = world.departments["a"], world.units["a"]
    department.name = "上海市普陀区财政局"
    department.save()
    unit.name = "上海市普陀区财政局（本级）"
    unit.save()


def imports(record: Any) -> int:
    from juesuan.web.filings.models import AuditEvent

    return AuditEvent.objects.filter(record=record, action="import").count()


def row(path: str, before: str, after: str) -> re.Pattern[str]:
    """A row of the changes table: the path is the title, whatever words the cell shows."""
    return re.compile(f'title="{re.escape(path)}">[^<]*</td><td>{re.escape(before)}</td>'
                      f"<td>{re.escape(after)}</td>")


def total(label: str, *values: str) -> str:
    return f'<th scope="row">{label}</th>' + "".join(f'<td class="num">{v}</td>' for v in values)


@pytest.fixture
def czj_record(world: Any, make_record: Any, shanghai_filing: Filing) -> Any:
    """Unit A's 2024 draft with only one income row, of 1000.00 (the report has eleven)."""
    as_czj(world)
    income = [{"code": "2010601", "general_budget": "1000.00"}]
    return make_record("a", filing=changed(shanghai_filing, income=income))


def test_the_preview_shows_what_would_change_and_saves_nothing(client: Any, world: Any,
                                                               czj_record: Any) -> None:
    client.force_login(world.users["unit_a"])
    response = preview(client, czj_record, CZJ, report(CZJ))
    page = response.content.decode()
    assert response.status_code == 200 and "导入预览（尚未保存）" in page
    assert versions(czj_record) == 1 and imports(czj_record) == 0
    assert "<td>01_shanghai-putuo-czj-2024.txt（公开报告）</td>" in page
    assert "文件中的部门（单位）</th><td>上海市普陀区财政局</td>" in page
    assert "文件中的决算年度</th><td>2024 年度</td>" in page
    assert "本填报的单位</th><td>上海市普陀区财政局（本级）（所属部门：上海市普陀区财政局）</td>" in page
    assert "本填报的决算年度</th><td>2024 年度</td>" in page
    # The bureau's own report: no warning, no extra confirmation.
    assert "不符" not in page and 'name="_other"' not in page
    assert "<li>收入（11 行）</li>" in page and "<li>支出（11 行）</li>" in page
    assert "<li>基本支出经济分类（23 行）</li>" in page
    assert "部门信息、机构职能、预算数、上年决算数、增减变化原因" in page  # kept
    assert "<li>绩效自评表（performance）</li>" in page  # under 未能从文件中提取
    assert total("本年收入合计", "1,000.00", "2,946.26", "+1,946.26") in page
    assert total("本年支出合计", "2,940.06", "2,940.06", "0.00") in page
    assert row("income[2010601].general_budget", "1000.00", "1511.89").search(page)
    assert row("income[2010601].other", "（无）", "0.01").search(page)
    # Ten rows and two figures of the first added, one changed; the report leaves the “三公”
    # 决算数 blank, so they go (the preview shows it before anything is saved).
    assert "共 38 处改动（新增 33、修改 1、删除 4）" in page
    assert row("three_public.reception.final", "0.00", "（删除）").search(page)
    assert token_of(page) and "确认导入" in page
    assert f'href="/desk/f/{czj_record.pk}/import/">取消' in page


def test_confirm_saves_the_previewed_figures_once(client: Any, world: Any, czj_record: Any) -> None:
    from juesuan.web.filings.models import AuditEvent

    client.force_login(world.users["unit_a"])
    token = token_of(preview(client, czj_record, CZJ, report(CZJ)).content.decode())
    assert token is not None
    response = confirm(client, czj_record, token)
    page = response.content.decode()
    assert response.status_code == 200
    assert "已导入公开报告“01_shanghai-putuo-czj-2024.txt”，保存为第 2 版" in page
    assert f"/desk/f/{czj_record.pk}/versions/1/diff/2/" in page
    data = content(czj_record)
    assert len(data["income"]) == 11
    assert data["income"][0] == {"code": "2010601", "name": "行政运行", "general_budget": "1511.89",
                                 "other": "0.01"}
    assert czj_record.current.source == "report" and CZJ in czj_record.current.note
    event = AuditEvent.objects.filter(record=czj_record, action="import").get()
    assert event.detail["file"] == CZJ and event.detail["version"] == 2
    assert "confirmed" not in event.detail
    assert "收入（11 行）" in event.detail["taken"]
    # The preview is used up: a second click saves nothing more.
    again = confirm(client, czj_record, token)
    assert again.status_code == 400 and EXPIRED in again.content.decode()
    assert versions(czj_record) == 2 and imports(czj_record) == 1


def test_another_departments_report_needs_the_explicit_confirmation(client: Any, world: Any,
                                                                    czj_record: Any) -> None:
    from juesuan.web.filings.models import AuditEvent

    client.force_login(world.users["unit_a"])
    warning = "文件中的部门是“中共上海市普陀区委社会工作部”，与本填报的单位“上海市普陀区财政局（本级）”不符"
    page = preview(client, czj_record, SHEGONGBU, report(SHEGONGBU)).content.decode()
    assert warning in page and 'class="import-mismatch" role="alert"' in page
    assert 'name="_other" value="1" required> 我确认导入其他单位的数据</label>' in page
    token = token_of(page)
    assert token is not None
    refused = confirm(client, czj_record, token)
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "未勾选“我确认导入其他单位的数据”，未导入：" in text and warning in text
    assert versions(czj_record) == 1 and imports(czj_record) == 0
    assert token_of(text) == token  # the same preview, to tick the box and confirm
    saved = confirm(client, czj_record, token, other=True)
    assert saved.status_code == 200 and "保存为第 2 版" in saved.content.decode()
    assert warning in saved.content.decode()
    data = content(czj_record)
    assert data["department"]["name"] == "上海市普陀区财政局"  # kept: only the tables are taken
    taken = filing_to_data(read_upload(Upload(SHEGONGBU, report(SHEGONGBU))).filing)
    assert data["income"] == taken["income"] and data["income"][0]["code"] != "2010601"
    event = AuditEvent.objects.filter(record=czj_record, action="import").get()
    assert event.detail["confirmed"] == [warning]


def test_a_report_of_another_year_needs_the_confirmation(client: Any, world: Any, make_record: Any,
                                                         shanghai_filing: Filing) -> None:
    as_czj(world)
    record = make_record("a", year=2023, filing=changed(shanghai_filing, year=2023, expenditure=[]))
    client.force_login(world.users["unit_a"])
    page = preview(client, record, CZJ, report(CZJ)).content.decode()
    assert "文件是 2024 年度的，与本填报的 2023 年度不符" in page and "文件中的部门是" not in page
    assert "> 我确认导入其他年度的数据</label>" in page
    token = token_of(page)
    assert token is not None
    assert confirm(client, record, token).status_code == 400 and versions(record) == 1
    assert confirm(client, record, token, other=True).status_code == 200
    data = content(record)
    assert data["year"] == 2023 and len(data["expenditure"]) == 11  # the figures, not the year


def test_a_filing_file_of_another_department_needs_the_confirmation(client: Any, world: Any,
                                                                    make_record: Any,
                                                                    example_filing: Filing) -> None:
    """A YAML names the whole filing; unit A of the fixtures is 单位A of 部门A."""
    record = make_record("a", filing=example_filing)  # the example file as it is
    client.force_login(world.users["unit_a"])
    text = SHANGHAI_YAML.read_text(encoding="utf-8").replace("general_budget: 1511.89",
                                                             "general_budget: 1511.99")
    page = preview(client, record, "a.yaml", text.encode()).content.decode()
    assert "文件中的部门是“上海市普陀区财政局”，与本填报的单位“单位A”不符" in page
    assert "<li>全部内容（替换当前版本）</li>" in page
    assert row("income[2010601].general_budget", "1511.89", "1511.99").search(page)
    assert "共 1 处改动（新增 0、修改 1、删除 0）" in page
    assert total("本年收入合计", "2,946.26", "2,946.36", "+0.10") in page
    token = token_of(page)
    assert token is not None
    assert confirm(client, record, token).status_code == 400 and versions(record) == 1
    assert confirm(client, record, token, other=True).status_code == 200
    assert content(record)["income"][0]["general_budget"] == "1511.99"


def test_tables_without_names_are_not_stated(client: Any, world: Any, czj_record: Any,
                                             shanghai_filing: Filing) -> None:
    client.force_login(world.users["unit_a"])
    page = preview(client, czj_record, "决算表.xlsx", xlsx_of(shanghai_filing)).content.decode()
    assert "文件中的部门（单位）</th><td>文件中未写明</td>" in page
    assert "文件中的决算年度</th><td>文件中未写明</td>" in page
    assert 'name="_other"' not in page and "不符" not in page


def test_at_most_200_changes_are_listed(client: Any, world: Any) -> None:
    from juesuan.web.filings import services

    department = {"name": "单位A", "region": "上海市普陀区", "level": "县级"}
    empty = filing_from_data({"year": 2024, "unit": "万元", "income": [], "expenditure": [],
                              "department": department}, "空")
    record = services.create_record(world.units["a"], 2024, empty, world.users["unit_a"])
    client.force_login(world.users["unit_a"])
    page = preview(client, record, "a.yaml", SHANGHAI_YAML.read_bytes()).content.decode()
    from juesuan.filing.io import load_filing

    count = len(diff(filing_to_data(empty), filing_to_data(load_filing(SHANGHAI_YAML).filing)))
    assert count > 200
    assert f"共 {count} 处改动（新增 {count - 1}、修改 1、删除 0），下面列出前 200 处" in page
    assert len(re.findall(r'<tr class="(?:added|changed|removed)"><td title=', page)) == 200
    assert row("department.units[上海市普陀区财政局（本级）].name", "（无）", "上海市普陀区财政局（本级）").search(page)
    # An empty filing's totals are 0.
    assert total("本年收入合计", "0.00", "2,946.26", "+2,946.26") in page
    assert total("本年支出合计", "0.00", "2,940.06", "+2,940.06") in page


def test_a_token_of_another_user_record_or_unknown_is_refused(client: Any, world: Any,
                                                               czj_record: Any,
                                                               make_record: Any) -> None:
    client.force_login(world.users["unit_a"])
    token = token_of(preview(client, czj_record, CZJ, report(CZJ)).content.decode())
    assert token is not None
    other_record = make_record("a", year=2023)
    for who, record, value in (("admin", czj_record, token),  # may import, but did not preview it
                               ("unit_a", other_record, token),  # previewed on another filing
                               ("unit_a", czj_record, "x" * 32),  # never issued
                               ("unit_a", czj_record, "../" * 10),  # not a token at all
                               ("unit_a", czj_record, "")):
        client.force_login(world.users[who])
        response = confirm(client, record, value, other=True)
        assert response.status_code == 400, (who, value)
        assert EXPIRED in response.content.decode() and "请重新选择文件导入" in response.content.decode()
    assert versions(czj_record) == 1 and versions(other_record) == 1
    client.force_login(world.users["unit_a"])
    assert confirm(client, czj_record, token).status_code == 200 and versions(czj_record) == 2


def test_a_preview_expires_after_30_minutes(client: Any, world: Any, czj_record: Any,
                                            monkeypatch: Any) -> None:
    from django.core.cache.backends import locmem

    client.force_login(world.users["unit_a"])
    token = token_of(preview(client, czj_record, CZJ, report(CZJ)).content.decode())
    assert token is not None
    start = time.time()
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: start + 31 * 60))
    response = confirm(client, czj_record, token)
    assert response.status_code == 400 and EXPIRED in response.content.decode()
    assert versions(czj_record) == 1
    # Within the 30 minutes it is still good (the preview page reads the cache: the real clock).
    monkeypatch.undo()
    token = token_of(preview(client, czj_record, CZJ, report(CZJ)).content.decode())
    assert token is not None
    start = time.time()
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: start + 29 * 60))
    assert confirm(client, czj_record, token).status_code == 200 and versions(czj_record) == 2


def test_a_version_saved_between_preview_and_confirm_is_a_conflict(client: Any, world: Any,
                                                                   czj_record: Any,
                                                                   shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services

    client.force_login(world.users["unit_a"])
    token = token_of(preview(client, czj_record, CZJ, report(CZJ)).content.decode())
    assert token is not None
    services.save_version(czj_record, changed(shanghai_filing, surplus_distribution="1.00"),
                          world.users["admin"], base=1)
    response = confirm(client, czj_record, token)
    page = response.content.decode()
    assert response.status_code == 409 and "保存为第 2 版（您编辑的是第 1 版）" in page
    assert f"/desk/f/{czj_record.pk}/versions/1/diff/2/" in page
    assert versions(czj_record) == 2 and imports(czj_record) == 0
    assert content(czj_record)["surplus_distribution"] == "1.00"
    assert len(content(czj_record)["income"]) == 11  # the admin's version, untouched


@pytest.mark.parametrize(("found", "same"), [
    ("上海市普陀区财政局", True),  # the department of the unit
    ("上海市普陀区财政局（本级）", True),
    ("上海市普陀区 财政局(本级)", True),  # spaces, half-width brackets
    ("上海市普陀区\u3000财政局（本级） ", True),  # full-width space
    ("财政局", True),  # without the region's name
    ("上海市财政局", False),  # the city's bureau is another department
    ("普陀区财政局", False),  # part of the region's name: not taken as the same
    ("中共上海市普陀区委社会工作部", False),
])
def test_names_are_compared_normalised(found: str, same: bool) -> None:
    from juesuan.web.filings.editor import _same_unit

    region = SimpleNamespace(name="上海市普陀区")
    unit = SimpleNamespace(name="上海市普陀区财政局（本级）",
                           department=SimpleNamespace(name="上海市普陀区财政局", region=region))
    assert _same_unit(found, unit) is same  # type: ignore[arg-type]


def test_a_filing_file_of_another_year_is_still_refused(client: Any, world: Any,
                                                       make_record: Any) -> None:
    """A filing file of another year stays refused at once (it would replace the year too)."""
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    suizhou = (EXAMPLES / "suizhou-zwfw-2020.yaml").read_bytes()
    response = preview(client, record, "suizhou.yaml", suizhou)
    page = response.content.decode()
    assert response.status_code == 400 and token_of(page) is None
    assert "suizhou.yaml：文件是 2020 年度的填报，这份填报是 2024 年度，未导入" in page
    assert versions(record) == 1
