"""Findings in the words of the trade, the unit's 出错说明, what blocks 上报 and 公开, the pages
that confirm a step, restoring a version and abandoning a revision."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from tests.web.conftest import PUBLISHED

from juesuan.web.workflow import Action, State, WorkflowError

pytestmark = pytest.mark.django_db


def overview(client: Any, record: Any, query: str = "") -> str:
    return client.get(f"/desk/f/{record.pk}/{query}").content.decode()


# --- findings as the desk shows them ------------------------------------------------------------------


def test_a_gap_a_field_and_a_table_cell_in_words(make_record: Any, example_filing: Any) -> None:
    from juesuan.web.filings import services

    items = services.items_of(make_record("a", filing=example_filing).current)
    gap = items[0]  # errors and gaps first; the example has one gap and no error
    assert gap.severity == "gap" and gap.blocking and gap.group == "说明文字"
    assert gap.where == "四、财政拨款收入支出决算总体情况说明"
    assert gap.message.startswith("文档此处还需填写：增减额和增减幅度。原文：上海市普陀区财政局2024年度")
    prior = next(i for i in items if i.rule == "N.prior-missing")
    assert prior.severity == "warning" and not prior.blocking
    assert (prior.section, prior.field, prior.anchor) == (
        "prior-year", "prior_year.fiscal_grand_total", "f-prior_year-fiscal_grand_total")
    assert "prior_year.fiscal_grand_total" not in prior.message  # the path is put in words
    # A table cell: 表6's 公用经费合计 row, edited on the 基本支出经济分类 page.
    cell = next(i for i in items if i.rule == "X7")
    assert cell.group == "表6 一般公共预算财政拨款基本支出决算表"
    assert cell.where == "表6 一般公共预算财政拨款基本支出决算表 › 公用经费合计"
    assert cell.section == "basic-economic" and cell.severity == "info"
    assert (cell.expected, cell.found, cell.tolerance) == ("2336.92", "2336.94", "0.155")


def test_the_overview_groups_links_and_filters(client: Any, world: Any, make_record: Any,
                                               example_filing: Any, suizhou_filing: Any) -> None:
    record = make_record("a", filing=example_filing)
    client.force_login(world.users["unit_a"])
    page = overview(client, record)
    groups = re.findall(r'<section class="finding-group">\s*<h3>([^<]+?) <span', page)
    assert groups == ["说明文字", "上年数", "政府采购", "表6 一般公共预算财政拨款基本支出决算表", "预算数"]
    # A finding about a field links to it on its editor page.
    assert f'href="/desk/f/{record.pk}/edit/prior-year/#f-prior_year-fiscal_grand_total"' in page
    # A table cell links to the page its rows are edited on.
    assert f'href="/desk/f/{record.pk}/edit/basic-economic/">表6 一般公共预算财政拨款基本支出决算表 › 公用经费合计' \
        in page
    only = overview(client, record, "?group=" + "表6 一般公共预算财政拨款基本支出决算表")
    assert re.findall(r'<tr class="(\w+)" id=', only) == ["info"]
    # Each gap has a form for its 出错说明; a warning has none.
    record = make_record("b", filing=suizhou_filing)
    client.force_login(world.users["unit_b"])
    page = overview(client, record)
    assert page.count(f'action="/desk/f/{record.pk}/explain/"') == 4  # the example's 4 gaps
    assert "performance.projects[1]" not in page  # no field path is shown
    gaps = overview(client, record, "?severity=gap")
    assert re.findall(r'<tr class="(\w+)" id=', gaps) == ["gap"] * 4


# --- 出错说明 and what blocks 上报 and 公开 -------------------------------------------------------------


def test_an_unexplained_gap_blocks_submit_and_an_explained_one_does_not(
        client: Any, world: Any, make_record: Any, example_filing: Any) -> None:
    from juesuan.web.filings import services
    from juesuan.web.filings.models import AuditEvent, FindingNote

    record = make_record("a", filing=example_filing)
    unit = world.users["unit_a"]
    with pytest.raises(WorkflowError, match="还有 0 条错误、1 处【待填写】没有出错说明"):
        services.transition(record, Action.SUBMIT, unit)
    client.force_login(unit)
    asked = client.post(f"/desk/f/{record.pk}/act/submit/", {"comment": "请审核"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "不能上报" in page and "确认上报</button>" not in page
    assert "待填写 · 四、财政拨款收入支出决算总体情况说明" in page
    record.refresh_from_db()
    assert record.state == State.DRAFT

    gap = services.items_of(record.current)[0]
    saved = client.post(f"/desk/f/{record.pk}/explain/", {"key": gap.key, "text": "上年数据口径调整，无法比较"})
    assert saved.status_code == 302
    note = FindingNote.objects.get(record=record)
    assert (note.key, note.text, note.version, note.author) == (gap.key, "上年数据口径调整，无法比较", 1, unit)
    assert AuditEvent.objects.filter(record=record, action="explain").count() == 1
    assert "上年数据口径调整，无法比较" in overview(client, record)

    page = client.post(f"/desk/f/{record.pk}/act/submit/", {"comment": "请审核"}).content.decode()
    assert "确认上报</button>" in page and "已有出错说明 1 条" in page and 'name="confirm" value="1"' in page
    assert "请审核" in page  # the comment typed is carried to the confirmation
    done = client.post(f"/desk/f/{record.pk}/act/submit/", {"comment": "请审核", "confirm": "1",
                                                            "version": "1"})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.state == State.SUBMITTED and record.steps.get().comment == "请审核"
    # The reviewers read the note beside the finding (no form: it is not theirs to change).
    client.force_login(world.users["dept_a"])
    page = overview(client, record)
    assert "<blockquote>上年数据口径调整，无法比较</blockquote>" in page
    assert f'action="/desk/f/{record.pk}/explain/"' not in page


def test_a_gap_blocks_publication_even_when_explained(client: Any, world: Any, make_record: Any,
                                                      example_filing: Any) -> None:
    from juesuan.web.filings import services

    record = make_record("a", filing=example_filing)
    services.explain(record, services.items_of(record.current)[0].key, "无法填写", world.users["unit_a"])
    for action, who in ((Action.SUBMIT, "unit_a"), (Action.DEPARTMENT_APPROVE, "dept_a"),
                        (Action.FINANCE_APPROVE, "finance_a")):
        services.transition(record, action, world.users[who])
    with pytest.raises(WorkflowError, match="有错误或待填写内容的文档不能公开"):
        services.transition(record, Action.PUBLISH, world.users["finance_a"])
    client.force_login(world.users["finance_a"])
    page = client.get(f"/desk/f/{record.pk}/act/publish/").content.decode()
    assert "不能公开" in page and "确认公开</button>" not in page
    refused = client.post(f"/desk/f/{record.pk}/act/publish/", {"confirm": "1", "version": "1"}, follow=True)
    assert "不能公开" in refused.content.decode()
    record.refresh_from_db()
    assert record.state == State.APPROVED and record.published is None


def test_publishing_a_clean_filing_is_confirmed_first(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a", steps=PUBLISHED[:3])
    client.force_login(world.users["finance_a"])
    page = client.post(f"/desk/f/{record.pk}/act/publish/", {"version": "1"}).content.decode()
    assert "任何人都可以查看和下载" in page and "确认公开</button>" in page
    record.refresh_from_db()
    assert record.state == State.APPROVED  # asked, not done
    client.post(f"/desk/f/{record.pk}/act/publish/", {"version": "1", "confirm": "1"})
    record.refresh_from_db()
    assert record.state == State.PUBLISHED and record.published_id == record.current_id


def test_an_explanation_needs_a_finding_of_the_current_version_and_an_editable_filing(
        world: Any, make_record: Any, example_filing: Any) -> None:
    from juesuan.web.filings import services
    from juesuan.web.filings.models import FindingNote

    record = make_record("a", filing=example_filing)
    with pytest.raises(WorkflowError, match="当前版本没有这条检查结果"):
        services.explain(record, "T1.e||||", "说明", world.users["unit_a"])
    key = services.items_of(record.current)[0].key
    with pytest.raises(WorkflowError, match="出错说明不超过 1000 字"):
        services.explain(record, key, "长" * 1001, world.users["unit_a"])
    services.explain(record, key, "说明", world.users["unit_a"])
    services.explain(record, key, "  ", world.users["unit_a"])  # empty: removed
    assert not FindingNote.objects.exists()
    services.explain(record, key, "说明", world.users["unit_a"])
    services.transition(record, Action.SUBMIT, world.users["unit_a"])
    with pytest.raises(services.NotEditable, match="不能修改出错说明"):
        services.explain(record, key, "改一下", world.users["unit_a"])
    assert FindingNote.objects.get().text == "说明"


# --- versions: restore any, compare any two; abandon a revision ----------------------------------------


def test_any_version_can_be_restored(client: Any, world: Any, make_record: Any, shanghai_filing: Any) -> None:
    from juesuan.web.filings import services
    from juesuan.web.filings.models import AuditEvent

    record = make_record("a")
    short = shanghai_filing.department.model_copy(update={"short_name": "区财政局"})
    services.save_version(record, shanghai_filing.model_copy(update={"department": short}),
                          world.users["unit_a"], base=1)
    client.force_login(world.users["unit_a"])
    page = client.get(f"/desk/f/{record.pk}/versions/").content.decode()
    assert f'action="/desk/f/{record.pk}/versions/1/restore/"' in page
    assert f'action="/desk/f/{record.pk}/versions/2/restore/"' not in page  # the current one
    response = client.post(f"/desk/f/{record.pk}/versions/1/restore/", {"version": "2"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.current.number == 3 and record.current.source == "restore"
    assert record.current.note == "恢复第 1 版"
    assert services.filing_of(record.current) == services.filing_of(record.versions.get(number=1))
    assert AuditEvent.objects.get(record=record, action="restore").detail == {"from": 1, "version": 3,
                                                                               "created": True}
    # A version saved since the page was shown: a conflict, nothing saved.
    stale = client.post(f"/desk/f/{record.pk}/versions/2/restore/", {"version": "2"}, follow=True)
    assert "为避免覆盖他人的修改，本次未保存" in stale.content.decode()
    record.refresh_from_db()
    assert record.current.number == 3
    assert client.get(f"/desk/f/{record.pk}/versions/?a=1&b=3")["Location"] == \
        f"/desk/f/{record.pk}/versions/1/diff/3/"


def test_a_revision_can_be_abandoned(client: Any, world: Any, make_record: Any, shanghai_filing: Any) -> None:
    from juesuan.web.filings import services

    record = make_record("a", steps=(*PUBLISHED, Action.REVISE))
    rows = list(shanghai_filing.income)
    rows[0] = rows[0].model_copy(update={"general_budget": rows[0].general_budget + Decimal("1")})
    services.save_version(record, shanghai_filing.model_copy(update={"income": tuple(rows)}),
                          world.users["unit_a"], base=1)
    client.force_login(world.users["unit_a"])
    assert "放弃修订" in overview(client, record)
    page = client.get(f"/desk/f/{record.pk}/act/abandon/").content.decode()
    assert "恢复为公开的第 1 版的内容" in page and "确认放弃修订</button>" in page
    client.post(f"/desk/f/{record.pk}/act/abandon/", {"confirm": "1", "version": "2"})
    record.refresh_from_db()
    assert record.state == State.PUBLISHED and record.published.number == 1
    assert record.current.number == 3 and record.current.digest == record.published.digest
    assert record.current.note == "放弃修订，恢复为公开的第 1 版"
    assert record.steps.order_by("-pk").first().version == record.current


def test_a_filing_never_published_has_no_revision_to_abandon(client: Any, world: Any,
                                                             make_record: Any) -> None:
    from juesuan.web.filings import services

    record = make_record("a")
    client.force_login(world.users["unit_a"])
    assert "放弃修订" not in overview(client, record)
    assert client.post(f"/desk/f/{record.pk}/act/abandon/", {"confirm": "1"}).status_code == 403
    with pytest.raises(WorkflowError, match="没有可放弃的修订"):
        services.transition(record, Action.ABANDON, world.users["unit_a"])


def test_the_return_comment_is_shown_where_the_filer_works(client: Any, world: Any, make_record: Any) -> None:
    from juesuan.web.filings import services

    record = make_record("a", steps=(Action.SUBMIT,))
    services.transition(record, Action.DEPARTMENT_RETURN, world.users["dept_a"], comment="表7 缺少接待批次")
    client.force_login(world.users["unit_a"])
    for url in (f"/desk/f/{record.pk}/", f"/desk/f/{record.pk}/edit/three-public/"):
        page = client.get(url).content.decode()
        assert '<div class="return-note" role="status">' in page and "表7 缺少接待批次" in page, url
    services.transition(record, Action.SUBMIT, world.users["unit_a"])
    assert '<div class="return-note"' not in overview(client, record)
