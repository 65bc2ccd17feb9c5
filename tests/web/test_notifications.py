"""E-mail notices of workflow steps: 退回 and 财政审核通过 to the unit's editors, 部门审核通过 to
the region's finance reviewers, 公开 to the unit's editors and the department's reviewers; sent
after the step commits, never for a step refused, and a mail that fails never undoes a step."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail

from juesuan.web.workflow import Action, WorkflowError

pytestmark = pytest.mark.django_db

ADDRESSES = {"unit_a": "unit-a@example.gov.cn", "dept_a": "dept-a@example.gov.cn",
             "finance_a": "finance-a@example.gov.cn", "unit_b": "unit-b@example.gov.cn",
             "dept_b": "dept-b@example.gov.cn", "finance_b": "finance-b@example.gov.cn",
             "admin": "admin@example.gov.cn"}


@pytest.fixture
def addressed(world: Any) -> Any:
    for key, address in ADDRESSES.items():
        user = world.users[key]
        user.email = address
        user.first_name = {"dept_a": "李四", "finance_a": "王五"}.get(key, "")
        user.save()
    return world


def step(record: Any, action: Action, user: Any, capture: Any, comment: str = "",
         checks: bool = True) -> list[Any]:
    """Take ``action`` as its transaction would commit; the mails it sent."""
    from juesuan.web.filings import services

    before = len(mail.outbox)
    with capture(execute=True):
        services.transition(record, action, user, comment=comment, checks=checks)
    return mail.outbox[before:]


def test_each_step_tells_the_people_who_act_next(addressed: Any, make_record: Any,
                                                 django_capture_on_commit_callbacks: Any) -> None:
    users, capture = addressed.users, django_capture_on_commit_callbacks
    record = make_record("a")
    url = f"http://localhost:8000/desk/f/{record.pk}/"
    assert step(record, Action.SUBMIT, users["unit_a"], capture) == []  # reviewers see the 工作台

    returned = step(record, Action.DEPARTMENT_RETURN, users["dept_a"], capture, "请核对表7。")
    assert [m.to for m in returned] == [["unit-a@example.gov.cn"]]
    assert returned[0].subject == "【部门决算】单位A2024年度部门决算被退回"
    assert returned[0].body == (
        "单位A（部门A）2024 年度部门决算第 1 版已在部门审核中由 李四 退回。请按审核意见修改，"
        "或在检查结果中填写出错说明后重新上报。\n\n退回意见：\n请核对表7。\n\n"
        f"查看填报：{url}\n\n此邮件由部门决算公开平台自动发送，请勿直接回复。\n")
    assert returned[0].from_email == "部门决算公开平台 <noreply@localhost>"

    step(record, Action.SUBMIT, users["unit_a"], capture)
    approved = step(record, Action.DEPARTMENT_APPROVE, users["dept_a"], capture)
    assert [m.to for m in approved] == [["finance-a@example.gov.cn"]]  # not 随州's
    assert approved[0].subject == "【部门决算】单位A2024年度部门决算待财政审核"
    assert "已由 李四 部门审核通过，等待财政审核。" in approved[0].body
    assert "审核意见" not in approved[0].body  # none given

    final = step(record, Action.FINANCE_APPROVE, users["finance_a"], capture, "同意。")
    assert [m.to for m in final] == [["unit-a@example.gov.cn"]]
    assert final[0].subject == "【部门决算】单位A2024年度部门决算已通过财政审核"
    assert "审核意见：\n同意。\n" in final[0].body

    published = step(record, Action.PUBLISH, users["finance_a"], capture)
    # One mail to each: nobody sees the other addresses.
    assert sorted(m.to[0] for m in published) == ["dept-a@example.gov.cn", "unit-a@example.gov.cn"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in published)
    assert published[0].subject == "【部门决算】单位A2024年度部门决算已公开"
    assert "已由 王五 公开" in published[0].body and url in published[0].body


def test_users_without_an_address_or_inactive_get_nothing(
        addressed: Any, make_record: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django.contrib.auth import get_user_model

    from juesuan.web.orgs.models import Membership
    from juesuan.web.workflow import Role

    second = get_user_model().objects.create_user("unit_a_2", email="UNIT-A@example.gov.cn")
    Membership.objects.create(user=second, role=Role.UNIT_EDITOR.value, unit=addressed.units["a"])
    gone = get_user_model().objects.create_user("unit_a_3", email="gone@example.gov.cn",
                                                is_active=False)
    Membership.objects.create(user=gone, role=Role.UNIT_EDITOR.value, unit=addressed.units["a"])
    none = get_user_model().objects.create_user("unit_a_4", email="")
    Membership.objects.create(user=none, role=Role.UNIT_EDITOR.value, unit=addressed.units["a"])
    record = make_record("a", steps=(Action.SUBMIT,))
    sent = step(record, Action.DEPARTMENT_RETURN, addressed.users["dept_a"],
                django_capture_on_commit_callbacks, "退回")
    # The same address twice (in another case) is written to once.
    assert [m.to for m in sent] == [["unit-a@example.gov.cn"]]


def test_nothing_is_sent_for_a_refused_step(addressed: Any, make_record: Any, example_filing: Any,
                                           django_capture_on_commit_callbacks: Any) -> None:
    record = make_record("a", steps=(Action.SUBMIT, Action.DEPARTMENT_APPROVE,
                                     Action.FINANCE_APPROVE), filing=example_filing, checks=False)
    mail.outbox.clear()
    with pytest.raises(WorkflowError, match="1 处【待填写】"):  # refused by the checks
        step(record, Action.PUBLISH, addressed.users["finance_a"],
             django_capture_on_commit_callbacks)
    with pytest.raises(WorkflowError, match="须填写意见"):
        step(record, Action.FINANCE_RETURN, addressed.users["finance_a"],
             django_capture_on_commit_callbacks, "  ")
    with pytest.raises(WorkflowError, match="只能在已上报状态下进行"):
        step(record, Action.DEPARTMENT_APPROVE, addressed.users["dept_a"],
             django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_a_mail_that_fails_is_logged_and_the_step_stays(
        addressed: Any, make_record: Any, django_capture_on_commit_callbacks: Any,
        settings: Any, caplog: Any) -> None:
    settings.EMAIL_BACKEND = "tests.web.test_notifications.BrokenBackend"
    record = make_record("a", steps=(Action.SUBMIT,))
    with caplog.at_level(logging.ERROR, logger="juesuan.web.notify"):
        step(record, Action.DEPARTMENT_RETURN, addressed.users["dept_a"],
             django_capture_on_commit_callbacks, "请改正。")
    record.refresh_from_db()
    assert record.state == "returned"
    assert "通知邮件未能发送给 unit-a@example.gov.cn" in caplog.text


def test_the_site_address_is_a_setting(addressed: Any, make_record: Any, settings: Any,
                                       django_capture_on_commit_callbacks: Any) -> None:
    settings.JUESUAN_SITE_URL = "https://juesuan.example.gov.cn"
    record = make_record("a", steps=(Action.SUBMIT,))
    sent = step(record, Action.DEPARTMENT_APPROVE, addressed.users["dept_a"],
                django_capture_on_commit_callbacks)
    assert f"查看填报：https://juesuan.example.gov.cn/desk/f/{record.pk}/\n" in sent[0].body


def test_a_batch_step_tells_each_unit(addressed: Any, make_record: Any, client: Any,
                                      django_capture_on_commit_callbacks: Any) -> None:
    first = make_record("a", steps=(Action.SUBMIT, Action.DEPARTMENT_APPROVE))
    second = make_record("a", year=2023, steps=(Action.SUBMIT, Action.DEPARTMENT_APPROVE))
    client.force_login(addressed.users["finance_a"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/desk/region/310107/2024/batch/",
                               {"kind": "return", "records": [first.pk, second.pk],
                                "comment": "请补充说明。"})
    assert response.status_code == 200
    # The 2023 filing is not on the 2024 page: not touched, nobody told.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["unit-a@example.gov.cn"], "【部门决算】单位A2024年度部门决算被退回")]


def test_the_pure_rule_of_who_is_told() -> None:
    from juesuan.web import notify
    from juesuan.web.workflow import Role

    assert notify.audience(Action.PUBLISH) == (Role.UNIT_EDITOR, Role.DEPARTMENT_REVIEWER)
    assert notify.audience(Action.DEPARTMENT_APPROVE) == (Role.FINANCE_REVIEWER,)
    for quiet in (Action.SUBMIT, Action.WITHDRAW, Action.REVISE, Action.ABANDON):
        assert notify.audience(quiet) == ()
        assert notify.compose(notify.Step(quiet, "单位", "部门", 2024, 1, "张三", "", "u")) is None
    # A name with a line break cannot break the mail's header.
    notice = notify.compose(notify.Step(Action.FINANCE_RETURN, "单位\nBcc: x@y", "部门", 2024, 3,
                                        "王五", "意见", "http://x/desk/f/1/"))
    assert notice is not None and "\n" not in notice.subject
    assert notice.subject == "【部门决算】单位 Bcc: x@y2024年度部门决算被退回"
    assert notice.body.startswith("单位\nBcc: x@y（部门）2024 年度部门决算第 3 版已在财政审核中由 王五 退回。")


class BrokenBackend:
    """A mail server that refuses every message."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> BrokenBackend:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("邮件服务器拒绝连接")
