"""The review page (a filing's overview): key figures against 上年数 and against the version
last reported, and the 上报截止 the finance bureau set."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from tests.web.conftest import PUBLISHED

from juesuan.filing.model import Filing
from juesuan.web.workflow import Action

pytestmark = pytest.mark.django_db


def figure_rows(html: str) -> dict[str, list[str]]:
    """The key figures table: label → the cells after it."""
    table = re.search(r'<table class="list key-figures">.*?</table>', html, re.S)
    assert table, "概览页没有主要数据表"
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', table.group(0), re.S)
    return {label: re.findall(r"<td[^>]*>([^<]*)</td>", cells) for label, cells in rows}


def page(client: Any, record: Any) -> str:
    response = client.get(f"/desk/f/{record.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_key_figures_against_the_filings_own_prior_year(client: Any, world: Any,
                                                         make_record: Any) -> None:
    """The Shanghai example: 万元 as the document prints them; 上年数 from its prior_year; the
    change in 万元 and in % (half-up, two places); "—" where a figure is missing, never 0."""
    record = make_record("a", steps=(Action.SUBMIT,))
    client.force_login(world.users["dept_a"])
    rows = figure_rows(page(client, record))
    source = "填报的上年数"
    assert rows == {
        "收入支出总计": ["2995.40", "3052.34", "-56.94", "-1.87%", source],
        "本年收入合计": ["2946.26", "—", "—", "—", "—"],
        "本年支出合计": ["2940.06", "—", "—", "—", "—"],
        "财政拨款收入支出总计": ["2961.69", "2988.65", "-26.96", "-0.90%", source],
        "一般公共预算财政拨款支出": ["2940.06", "3003.19", "-63.13", "-2.10%", source],
        # 0 against 0: no change, and no rate (a base of 0 has none).
        "“三公”经费合计": ["0.00", "0.00", "0.00", "—", source],
        "机关运行经费": ["184.65", "182.10", "+2.55", "+1.40%", source],
    }


def test_missing_prior_year_figures_come_from_last_years_disclosure(
        client: Any, world: Any, make_record: Any, shanghai_filing: Filing) -> None:
    # 2023 published (with every figure one 万元 lower), 2024 filed without 上年本年收入合计.
    lower = [row.model_copy(update={"general_budget": row.general_budget - 1})
             if i == 0 else row for i, row in enumerate(shanghai_filing.income)]
    make_record("a", year=2023, steps=PUBLISHED, checks=False,
                filing=shanghai_filing.model_copy(update={"income": tuple(lower)}))
    record = make_record("a", steps=(Action.SUBMIT,))
    client.force_login(world.users["finance_a"])
    rows = figure_rows(page(client, record))
    assert rows["本年收入合计"] == ["2946.26", "2945.26", "+1.00", "+0.03%", "2023 年度公开版本"]
    assert rows["本年支出合计"] == ["2940.06", "2940.06", "0.00", "0.00%", "2023 年度公开版本"]
    # The filing's own 上年数 come first.
    assert rows["机关运行经费"][1:] == ["182.10", "+2.55", "+1.40%", "填报的上年数"]


def test_changes_since_the_last_report(client: Any, world: Any, make_record: Any,
                                       shanghai_filing: Filing) -> None:
    """上报 → 退回 → the unit edits: the filer and, after the new 上报, the reviewer see how many
    fields changed since the version last reported, with the link to the comparison."""
    from juesuan.web.filings import services

    record = make_record("a", steps=(Action.SUBMIT,))
    client.force_login(world.users["unit_a"])
    assert "与上次上报相比" not in page(client, record)  # the reported version is the current one
    services.transition(record, Action.DEPARTMENT_RETURN, world.users["dept_a"],
                        comment="请核对收入。")
    rows = list(shanghai_filing.income)
    rows[0] = rows[0].model_copy(update={"general_budget": rows[0].general_budget + 1})
    services.save_version(record, shanghai_filing.model_copy(update={"income": tuple(rows)}),
                          world.users["unit_a"], base=1)
    html = page(client, record)
    assert "当前第 2 版改动了 1 项" in html and "第 1 版于" in html
    assert f'href="/desk/f/{record.pk}/versions/1/diff/2/"' in html
    figures = figure_rows(html)
    # 本年数, 上年数, 增减, 增减率, 上次上报（第 1 版）, 较上次上报, 来源
    assert figures["本年收入合计"] == ["2947.26", "—", "—", "—", "2946.26", "+1.00", "—"]
    assert figures["机关运行经费"][4:6] == ["184.65", "0.00"]
    assert "上次上报（第 1 版）" in html
    # The return comment is where the filer works.
    assert "请核对收入。" in html

    # (The changed income no longer balances: reported as it is, for this test.)
    services.transition(record, Action.SUBMIT, world.users["unit_a"], checks=False)
    client.force_login(world.users["dept_a"])
    html = page(client, record)
    assert "当前第 2 版改动了 1 项" in html
    assert client.get(f"/desk/f/{record.pk}/versions/1/diff/2/").status_code == 200


def test_a_version_saved_back_to_the_reported_content(client: Any, world: Any, make_record: Any,
                                                      shanghai_filing: Filing) -> None:
    from juesuan.web.filings import services

    record = make_record("a", steps=(Action.SUBMIT, Action.DEPARTMENT_RETURN))
    changed = shanghai_filing.model_copy(update={"notices": ("改动",)})
    services.save_version(record, changed, world.users["unit_a"], base=1)
    services.restore(record, 1, world.users["unit_a"], base=2)
    client.force_login(world.users["unit_a"])
    html = page(client, record)
    assert "内容与第 1 版" in html and "相同" in html
    assert "上次上报（第" not in html


@pytest.mark.parametrize(("days", "pending", "expected"), [
    (5, True, "，还有 5 天"), (0, True, "，今天截止"), (-2, True, "，已逾期 2 天"), (-2, False, ""),
])
def test_deadline_text(days: int, pending: bool, expected: str) -> None:
    from juesuan.web.filings.review import deadline_text

    today = datetime.date(2025, 3, 26)
    due = today + datetime.timedelta(days=days)
    assert deadline_text(due, today, pending) == f"上报截止：{due:%Y-%m-%d}{expected}"


def test_the_deadline_on_the_overview_and_the_workspace(client: Any, world: Any,
                                                        make_record: Any) -> None:
    from django.utils import timezone

    from juesuan.web.orgs.models import Deadline

    today = timezone.localdate()
    due = today + datetime.timedelta(days=5)
    Deadline.objects.create(region=world.regions["a"], year=2024, due=due, note="按财政局通知")
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    assert f"上报截止：{due:%Y-%m-%d}，还有 5 天（按财政局通知）" in page(client, record)
    workspace = client.get("/desk/").content.decode()
    assert f"{due:%Y-%m-%d}，还有 5 天" in workspace

    Deadline.objects.filter(region=world.regions["a"]).update(
        due=today - datetime.timedelta(days=2))
    assert f"上报截止：{today - datetime.timedelta(days=2):%Y-%m-%d}，已逾期 2 天" in page(client, record)
    # A unit whose filing for a year with a deadline is not opened yet is told on its workspace.
    Deadline.objects.create(region=world.regions["a"], year=today.year, due=due)
    workspace = client.get("/desk/").content.decode()
    assert f"单位A {today.year} 年度部门决算：上报截止：{due:%Y-%m-%d}，还有 5 天" in workspace
    # Once reported, the days are no longer counted.
    from juesuan.web.filings import services

    services.transition(record, Action.SUBMIT, world.users["unit_a"])
    html = page(client, record)
    assert f"上报截止：{today - datetime.timedelta(days=2):%Y-%m-%d}（按财政局通知）" in html
    assert "已逾期" not in html


def test_no_deadline_no_line(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("b")
    client.force_login(world.users["unit_b"])
    assert "上报截止" not in page(client, record)


def test_figure_lines_never_show_a_missing_figure_as_zero() -> None:
    from juesuan.web.filings.review import figure_lines

    lines = figure_lines({"income_total": Decimal("10.00"), "three_public": None},
                         {"income_total": Decimal("0.00")}, {"three_public": Decimal("5.00")},
                         "2023 年度公开版本")
    by_key = {line.measure.key: line for line in lines}
    income = by_key["income_total"]
    assert (income.value_text, income.prior_text, income.prior_change_text,
            income.prior_rate_text) == ("10.00", "0.00", "+10.00", "—")
    three = by_key["three_public"]
    assert (three.value_text, three.prior_text, three.prior_change_text, three.prior_source) == (
        "—", "5.00", "—", "2023 年度公开版本")
    assert by_key["operating_costs"].prior_source == ""


def test_the_review_reads_the_figures_the_portal_publishes(shanghai_filing: Filing) -> None:
    """The review page's figures are the portal's (one function), also where the filing leaves
    “三公”经费 and 机关运行经费 out: “—”, never 0."""
    from juesuan.web.filings import review
    from juesuan.web.portal import figures as portal

    assert review.key_figures is portal.key_figures
    three = shanghai_filing.three_public
    gaps = shanghai_filing.model_copy(update={
        "three_public": three.model_copy(update={
            "reception": three.reception.model_copy(update={"final": None})}),
        "operating_costs": None})
    assert [m.key for m in review.KEY_MEASURES] == [
        "grand_total", "income_total", "expenditure_total", "fiscal_total", "general_budget",
        "three_public", "operating_costs"]
    from juesuan.narrative.facts import gather_facts
    from juesuan.tables.build import build_tables

    printed = build_tables(gaps).rounded(2)
    figures = review.key_figures(gaps, printed, gather_facts(gaps, printed))
    assert figures["three_public"] is None and figures["operating_costs"] is None
    printed = build_tables(shanghai_filing).rounded(2)
    assert review.key_figures(shanghai_filing, printed)["income_total"] == Decimal("2946.26")
