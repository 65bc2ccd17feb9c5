"""The finance bureau's overview of a region: every unit (those without a filing too) by
department, state, 上报截止 and who is late, findings counted, the key figures' totals, and the
batch steps 审核通过 / 退回 / 公开 with their result page."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from juesuan.filing.model import Filing
from juesuan.web.workflow import Action, State

pytestmark = pytest.mark.django_db

URL = "/desk/region/310107/2024/"


@dataclass
class Region:
    """普陀区 for 2024: 部门A (its 部门汇总 unit A and unit A-1), 部门C (C-1, C-2, C-3)."""

    records: dict[str, Any]  # unit code → record
    units: dict[str, Any]


@pytest.fixture
def region(world: Any, shanghai_filing: Filing, example_filing: Filing) -> Region:
    from juesuan.web.filings import services
    from juesuan.web.orgs.models import Department, Unit

    dept_c = Department.objects.create(region=world.regions["a"], code="dc", name="部门C")
    units = {"ua": world.units["a"],
             "ua1": Unit.objects.create(department=world.departments["a"], code="ua1",
                                        name="单位A-1"),
             "uc1": Unit.objects.create(department=dept_c, code="uc1", name="单位C-1"),
             "uc2": Unit.objects.create(department=dept_c, code="uc2", name="单位C-2"),
             "uc3": Unit.objects.create(department=dept_c, code="uc3", name="单位C-3")}
    admin = world.users["admin"]
    plan: dict[str, tuple[Filing, tuple[Action, ...]]] = {
        "ua": (shanghai_filing, (Action.SUBMIT, Action.DEPARTMENT_APPROVE)),
        "ua1": (shanghai_filing, (Action.SUBMIT,)),
        # The example with its one 【待填写】, reported with an 出错说明 in effect.
        "uc1": (example_filing, (Action.SUBMIT, Action.DEPARTMENT_APPROVE)),
        "uc2": (shanghai_filing, ()),  # a draft: not reported
    }  # uc3: no filing at all
    records = {}
    for code, (filing, steps) in plan.items():
        record = services.create_record(units[code], 2024, filing, admin)
        for action in steps:
            services.transition(record, action, admin, comment="意见", checks=False)
        record.refresh_from_db()
        records[code] = record
    return Region(records, units)


def unit_rows(html: str) -> dict[str, list[str]]:
    """Each unit's row: name → the text of its cells (from the state on)."""
    out = {}
    for row in re.findall(r'<tr id="u-[^"]+">(.*?)</tr>', html, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        name = cells[1].replace("部门汇总", "").strip()
        out[name] = cells[2:]
    return out


def totals(html: str) -> dict[str, list[str]]:
    table = re.search(r'<table class="list region-totals">.*?</table>', html, re.S)
    assert table
    return {label: cells for label, *cells in re.findall(
        r'<tr><th scope="row">([^<]+)</th>'
        r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td></tr>',
        table.group(0))}


def test_every_unit_with_state_counts_and_figures(client: Any, world: Any, region: Region) -> None:
    client.force_login(world.users["finance_a"])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    rows = unit_rows(html)
    # state, version, 错误, 待填写, 警告, 本年收入合计, 本年支出合计, 上报
    assert rows == {
        "单位A": ["部门已审核", "第 1 版", "0", "0", "0", "2946.26", "2940.06", "已上报"],
        "单位A-1": ["已上报", "第 1 版", "0", "0", "0", "2946.26", "2940.06", "已上报"],
        "单位C-1": ["部门已审核", "第 1 版", "0", "1", "1", "2946.26", "2940.06", "已上报"],
        # A draft is the unit's own: the finance bureau sees that it is not reported, not what
        # it holds.
        "单位C-2": ["草稿", "", "—", "—", "—", "—", "—", "未上报"],
        "单位C-3": ["未新建", "", "—", "—", "—", "—", "—", "未上报"],
    }
    # Grouped by department, in code order.
    assert re.findall(r"<h3>([^<]+)</h3>", html) == ["部门A（da）", "部门C（dc）"]
    assert "共 5 个单位" in html and "未上报 2 个" in html
    # Only the filings the user may open are links.
    assert f'href="/desk/f/{region.records["uc1"].pk}/"' in html
    assert f'href="/desk/f/{region.records["uc2"].pk}/"' not in html


def test_totals_add_reported_units_once(client: Any, world: Any, region: Region) -> None:
    """部门A's 部门汇总 unit counts for 部门A (its 部门决算 includes unit A-1's); 部门C, without
    one, counts its units; the draft does not count. Exact Decimal sums, and how many units."""
    from juesuan.web.filings import review

    client.force_login(world.users["finance_a"])
    html = client.get(URL).content.decode()
    assert totals(html) == {
        "收入支出总计": ["5990.80", "2"],
        "本年收入合计": ["5892.52", "2"],
        "本年支出合计": ["5880.12", "2"],
        "财政拨款收入支出总计": ["5923.38", "2"],
        "一般公共预算财政拨款支出": ["5880.12", "2"],
        "“三公”经费合计": ["0.00", "2"],
        "机关运行经费": ["369.30", "2"],
    }
    rows = [review.UnitRow(unit, None) for unit in region.units.values()]
    assert all(t.amount is None and t.units == 0 for t in review.totals(rows))
    # A figure a unit lacks is left out of the sum and of the count, not taken as 0.
    one = review.UnitRow(region.units["uc1"], region.records["uc1"],
                         figures={"income_total": Decimal("1.10"), "operating_costs": None})
    two = review.UnitRow(region.units["uc2"], region.records["ua1"],
                         figures={"income_total": Decimal("2.25"), "operating_costs": Decimal("3")})
    by_key = {t.measure.key: t for t in review.totals([one, two])}
    assert (by_key["income_total"].amount, by_key["income_total"].units) == (Decimal("3.35"), 2)
    assert (by_key["operating_costs"].amount, by_key["operating_costs"].units) == (Decimal("3"), 1)
    assert by_key["grand_total"].amount_text == "—"


def test_who_has_not_reported_and_who_is_late(client: Any, world: Any, region: Region) -> None:
    from django.utils import timezone

    from juesuan.web.orgs.models import Deadline

    client.force_login(world.users["finance_a"])
    unfiled = unit_rows(client.get(URL + "?show=unfiled").content.decode())
    assert set(unfiled) == {"单位C-2", "单位C-3"}
    html = client.get(URL).content.decode()
    assert "逾期未上报" not in html and "尚未设置 2024 年度上报截止日期" in html

    due = timezone.localdate() - datetime.timedelta(days=2)
    Deadline.objects.create(region=world.regions["a"], year=2024, due=due)
    html = client.get(URL).content.decode()
    assert f"上报截止：{due:%Y-%m-%d}，已逾期 2 天" in html
    assert "逾期未上报 2 个" in html
    rows = unit_rows(html)
    assert [rows[n][-1] for n in ("单位A", "单位C-2", "单位C-3")] == ["已上报", "逾期未上报", "逾期未上报"]
    assert set(unit_rows(client.get(URL + "?show=late").content.decode())) == {"单位C-2", "单位C-3"}
    # A returned filing is not reported again yet: late too.
    from juesuan.web.filings import services

    services.transition(region.records["ua1"], Action.DEPARTMENT_RETURN, world.users["dept_a"],
                        comment="请补充说明。")
    assert set(unit_rows(client.get(URL + "?show=late").content.decode())) == {
        "单位A-1", "单位C-2", "单位C-3"}
    # An unknown filter shows every unit.
    assert len(unit_rows(client.get(URL + "?show=<x>").content.decode())) == 5


def test_scopes_regions_and_departments(client: Any, world: Any, region: Region) -> None:
    # A department reviewer sees the units of the department only, totals included.
    client.force_login(world.users["dept_a"])
    html = client.get(URL).content.decode()
    assert set(unit_rows(html)) == {"单位A", "单位A-1"}
    assert totals(html)["本年收入合计"] == ["2946.26", "1"]
    # Another region's reviewers: the page is not there for them.
    for user in ("finance_b", "dept_b"):
        client.force_login(world.users[user])
        assert client.get(URL).status_code == 404
        assert client.post(URL + "batch/", {"kind": "approve",
                                            "records": region.records["ua"].pk}).status_code == 404
    client.force_login(world.users["unit_a"])
    assert client.get("/desk/region/").status_code == 403
    assert client.get(URL).status_code == 404
    # The workspace links 汇总审核 for reviewers.
    client.force_login(world.users["finance_a"])
    assert 'href="/desk/region/#r-310107"' in client.get("/desk/").content.decode()
    listing = client.get("/desk/region/").content.decode()
    assert 'href="/desk/region/310107/2024/"' in listing and "/desk/region/421300/" not in listing


def post(client: Any, kind: str, records: list[Any], **extra: str) -> Any:
    data: dict[str, Any] = {"kind": kind, "records": [r.pk for r in records]}
    data.update({f"v{r.pk}": str(r.current.number) for r in records})
    data.update(extra)
    return client.post(URL + "batch/", data)


def outcomes(html: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(
        r'<tr class="(?:added|removed)"><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>', html, re.S)
    return {re.sub(r"<[^>]+>", "", u): (re.sub(r"<[^>]+>", "", r), m) for u, r, m in rows}


def test_batch_approve_takes_each_filing_through_its_own_checks(
        client: Any, world: Any, region: Region) -> None:
    client.force_login(world.users["finance_a"])
    response = post(client, "approve", [region.records["ua"], region.records["uc1"],
                                        region.records["ua1"]])
    assert response.status_code == 200
    html = response.content.decode()
    assert "完成 2 份，未进行 1 份" in html
    assert outcomes(html) == {
        "单位A": ("已完成", "已财政审核通过"),
        "单位C-1": ("已完成", "已财政审核通过"),
        # 已上报 needs the department's approval first: not the finance bureau's to take.
        "单位A-1": ("未进行", "部门审核通过须由部门审核人员进行，您没有权限"),
    }
    for code, state in (("ua", State.APPROVED), ("uc1", State.APPROVED), ("ua1", State.SUBMITTED)):
        region.records[code].refresh_from_db()
        assert region.records[code].state == state, code

    # 公开: asked for again first; then the one with a 【待填写】 is refused by the checks.
    chosen = [region.records["ua"], region.records["uc1"]]
    asked = post(client, "publish", chosen)
    assert asked.status_code == 200 and "确认批量公开" in asked.content.decode()
    # The version shown on the overview goes on to the confirmation.
    assert f'name="v{chosen[0].pk}" value="1"' in asked.content.decode()
    region.records["ua"].refresh_from_db()
    assert region.records["ua"].state == State.APPROVED
    html = post(client, "publish", chosen, confirm="1").content.decode()
    result = outcomes(html)
    assert result["单位A"] == ("已完成", "已公开")
    assert result["单位C-1"][0] == "未进行"
    assert result["单位C-1"][1].startswith("还有 0 条错误、1 处【待填写】：有错误或待填写内容的文档不能公开")
    region.records["uc1"].refresh_from_db()
    assert region.records["uc1"].state == State.APPROVED
    assert region.records["uc1"].published_id is None


def test_batch_department_approval_of_two_reported_filings(client: Any, world: Any, region: Region,
                                                          shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services
    from juesuan.web.orgs.models import Unit

    unit = Unit.objects.create(department=world.departments["a"], code="ua2", name="单位A-2")
    other = services.create_record(unit, 2024, shanghai_filing, world.users["admin"])
    services.transition(other, Action.SUBMIT, world.users["admin"])
    returned = region.records["ua1"]
    client.force_login(world.users["dept_a"])
    response = post(client, "approve", [region.records["ua1"], other])
    assert outcomes(response.content.decode()) == {"单位A-1": ("已完成", "已部门审核通过"),
                                                   "单位A-2": ("已完成", "已部门审核通过")}
    services.transition(returned, Action.FINANCE_RETURN, world.users["finance_a"], comment="退回")
    returned.refresh_from_db()
    again = outcomes(post(client, "approve", [returned]).content.decode())
    assert again == {"单位A-1": ("未进行", "当前状态为退回，不能审核通过")}


def test_batch_return_needs_one_comment_for_all(client: Any, world: Any, region: Region) -> None:
    from juesuan.web.filings.models import WorkflowStep

    client.force_login(world.users["finance_a"])
    chosen = [region.records["ua"], region.records["uc1"]]
    refused = post(client, "return", chosen, comment="  ")
    assert refused.status_code == 302 and refused["Location"] == URL
    assert "退回须填写意见" in client.get(URL).content.decode()
    assert {r.state for r in chosen} == {State.DEPARTMENT_APPROVED}
    html = post(client, "return", chosen, comment="请补充“三公”经费说明。").content.decode()
    assert outcomes(html) == {"单位A": ("已完成", "已退回"), "单位C-1": ("已完成", "已退回")}
    steps = WorkflowStep.objects.filter(action=Action.FINANCE_RETURN.value)
    assert sorted(s.comment for s in steps) == ["请补充“三公”经费说明。"] * 2


def test_a_version_saved_meanwhile_is_not_approved(client: Any, world: Any, region: Region,
                                                   shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services

    client.force_login(world.users["dept_a"])
    record = region.records["ua1"]
    html = post(client, "approve", [record], **{f"v{record.pk}": "7"}).content.decode()
    assert outcomes(html)["单位A-1"] == (
        "未进行", "此填报已更新为第 1 版（您看到的是第 7 版），未部门审核通过；请查看最新版本后再操作。")
    record.refresh_from_db()
    assert record.state == State.SUBMITTED
    # A state that does not fit, and a filing outside the reviewer's department.
    services.transition(record, Action.DEPARTMENT_APPROVE, world.users["dept_a"])
    response = post(client, "approve", [record, region.records["uc1"]])
    assert outcomes(response.content.decode()) == {
        "单位A-1": ("未进行", "财政审核通过须由财政审核人员进行，您没有权限"),
        f"第 {region.records['uc1'].pk} 号填报": ("未进行", "没有这份填报"),
    }
    # Nothing done, and each refused for want of the right: the request was not allowed.
    assert response.status_code == 403


def test_batch_without_a_choice_or_with_rubbish(client: Any, world: Any, region: Region) -> None:
    client.force_login(world.users["finance_a"])
    for data in ({"kind": "approve"}, {"kind": "approve", "records": ["x", "-1", "²"]},
                 {"kind": "delete-everything", "records": [region.records["ua"].pk]}):
        response = client.post(URL + "batch/", data)
        assert response.status_code == 302
    messages = client.get(URL).content.decode()
    assert "请先勾选要审核通过的单位" in messages and "请选择要进行的操作" in messages
    region.records["ua"].refresh_from_db()
    assert region.records["ua"].state == State.DEPARTMENT_APPROVED
    # A number that is no filing of this region and year.
    html = client.post(URL + "batch/", {"kind": "approve", "records": "987654"}).content.decode()
    assert "没有这份填报" in html


def test_the_finance_bureau_sets_the_deadline_on_the_overview(client: Any, world: Any, region: Region) -> None:
    from juesuan.web.filings.models import AuditEvent
    from juesuan.web.orgs.models import Deadline

    client.force_login(world.users["finance_a"])
    assert "设置上报截止日期" in client.get(URL).content.decode()
    page = client.post(URL + "deadline/", {"due": "2025-03-31", "note": "纸质材料同时报送"}, follow=True)
    html = page.content.decode()
    assert "已将 2024 年度上报截止日期设为 2025 年 3 月 31 日。" in html
    assert "上报截止：2025-03-31" in html and "（纸质材料同时报送）" in html
    deadline = Deadline.objects.get(region=world.regions["a"], year=2024)
    assert (deadline.due, deadline.note) == (datetime.date(2025, 3, 31), "纸质材料同时报送")
    event = AuditEvent.objects.filter(action="deadline").latest("at")
    assert event.detail == {"region": world.regions["a"].code, "year": 2024, "due": "2025-03-31",
                            "note": "纸质材料同时报送"}
    # Not a date, or a date that cannot be this year's: refused, the deadline unchanged.
    for text, message in (("3月31日", "不是日期"), ("2024-12-31", "应在 2025 年或 2026 年")):
        html = client.post(URL + "deadline/", {"due": text}, follow=True).content.decode()
        assert message in html
    assert Deadline.objects.get(region=world.regions["a"], year=2024).due == datetime.date(2025, 3, 31)
    # An empty date removes it.
    html = client.post(URL + "deadline/", {"due": ""}, follow=True).content.decode()
    assert "已取消 2024 年度上报截止日期。" in html
    assert not Deadline.objects.filter(region=world.regions["a"]).exists()


def test_a_department_reviewer_may_not_set_the_deadline(client: Any, world: Any, region: Region) -> None:
    from juesuan.web.orgs.models import Deadline

    client.force_login(world.users["dept_a"])
    html = client.get(URL).content.decode()
    assert "设置上报截止日期" not in html and "（由财政审核人员设置）" in html
    assert client.post(URL + "deadline/", {"due": "2025-03-31"}).status_code == 403
    client.force_login(world.users["finance_b"])
    assert client.post(URL + "deadline/", {"due": "2025-03-31"}).status_code == 404
    assert not Deadline.objects.exists()


def test_counts_and_figures_are_worked_out_once_and_kept(client: Any, world: Any, region: Region) -> None:
    import juesuan
    from juesuan.web.filings import review
    from juesuan.web.filings.models import VersionSummary

    client.force_login(world.users["finance_a"])
    first = unit_rows(client.get(URL).content.decode())
    kept = {s.version_id: s for s in VersionSummary.objects.all()}
    # The three filings the finance bureau may see, each version once; a draft is not worked out.
    assert set(kept) == {region.records[k].current_id for k in ("ua", "ua1", "uc1")}
    c1 = kept[region.records["uc1"].current_id]
    assert (c1.stamp, c1.counts["gap"], c1.counts["warning"]) == (juesuan.__version__, 1, 1)
    assert c1.figures["income_total"] == "2946.26"
    # A kept summary is read, not worked out again: change it and the page shows the change.
    VersionSummary.objects.filter(pk=c1.pk).update(figures={**c1.figures, "income_total": "1.00"})
    assert unit_rows(client.get(URL).content.decode())["单位C-1"][5] == "1.00"
    # One counted by another juesuan's checks is worked out again.
    VersionSummary.objects.filter(pk=c1.pk).update(stamp="0.0.0")
    assert unit_rows(client.get(URL).content.decode()) == first
    assert VersionSummary.objects.get(pk=c1.pk).stamp == juesuan.__version__
    assert review.summary(region.records["uc1"].current)[1]["income_total"] == Decimal("2946.26")


def test_the_overview_reads_every_summary_in_one_query(client: Any, world: Any, region: Region) -> None:
    client.force_login(world.users["finance_a"])
    client.get(URL)  # every summary kept
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    kept = [q for q in queries.captured_queries if "filings_versionsummary" in q["sql"]]
    assert len(kept) == 1
    assert not [q for q in queries.captured_queries if '"content"' in q["sql"]]
