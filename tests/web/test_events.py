"""The 操作日志 in words: actions by their Chinese names, details as sentences."""

from __future__ import annotations

from typing import Any

import pytest

from juesuan.web.events import ACTION_LABELS, action_label, describe_detail
from juesuan.web.workflow import TRANSITIONS, Action


def test_every_workflow_step_is_named_as_its_button() -> None:
    for action, step in TRANSITIONS.items():
        assert ACTION_LABELS[action.value] == step.label
    assert action_label(Action.FINANCE_APPROVE.value) == "财政审核通过"
    assert action_label(Action.DEPARTMENT_RETURN.value) == "退回单位"


@pytest.mark.parametrize(("action", "label"), [
    ("create", "新建填报"), ("save", "保存"), ("import", "导入"), ("download", "下载"),
    ("login", "登录"), ("login_failed", "登录失败"), ("logout", "退出登录"),
    ("restore", "恢复历史版本"), ("abandon", "放弃修订"), ("explain", "填写出错说明"),
])
def test_the_other_actions_in_chinese(action: str, label: str) -> None:
    assert action_label(action) == label


def test_an_action_nobody_described_shows_as_stored() -> None:
    assert action_label("archive") == "archive"
    assert describe_detail("archive", {"box": 3}) == "box：3"


@pytest.mark.parametrize(("action", "detail", "words"), [
    ("download", {"version": 3, "format": "pdf"}, "第 3 版，格式 PDF"),
    ("download", {"version": 2, "format": "review"}, "第 2 版，格式 审核意见"),
    ("finance_return", {"version": 4, "comment": "请补充“三公”经费说明"},
     "第 4 版，意见：请补充“三公”经费说明"),
    ("submit", {"version": 1, "comment": ""}, "第 1 版"),
    ("create", {"year": 2024, "source": "report"}, "2024 年度，来源：导入公开报告"),
    ("save", {"version": 5, "source": "form"}, "第 5 版，来源：表单编辑"),
    ("import", {"format": "report", "file": "2024年部门决算.pdf", "taken": ["表1", "表3"],
                "version": 2, "created": True},
     "第 2 版，文件 2024年部门决算.pdf（公开报告），导入内容：表1、表3"),
    ("import", {"format": "yaml", "file": "a.yaml", "taken": [], "version": 2, "created": False},
     "内容未变，仍为第 2 版，文件 a.yaml（YAML 填报文件）"),
    ("import", {"format": "xlsx", "file": "b.xlsx", "taken": ["表3"], "confirmed": ["文件是 2023 年度"],
                "version": 4, "created": True},
     "第 4 版，文件 b.xlsx（XLSX 决算表），导入内容：表3，已确认：文件是 2023 年度"),
    ("restore", {"from": 2, "version": 6, "created": True}, "恢复第 2 版的内容，第 6 版"),
    ("login_failed", {"username": "unit_a"}, "用户名 unit_a"),
    ("login", {}, ""),
    ("explain", {"version": 3, "key": "F.sum|3||basic|", "text": "科目调整，已与财政核对"},
     "第 3 版，说明：科目调整，已与财政核对"),
    ("explain", {"version": 3, "key": "F.sum|3||basic|", "text": ""}, "第 3 版，删除说明"),
])
def test_details_in_words(action: str, detail: dict[str, Any], words: str) -> None:
    assert describe_detail(action, detail) == words


def test_the_models_own_source_labels_win() -> None:
    assert describe_detail("save", {"version": 2, "source": "restore"},
                           sources={"restore": "恢复版本"}) == "第 2 版，来源：恢复版本"
    assert describe_detail("save", {"source": "fax"}) == "来源：fax"


def test_a_detail_that_is_no_mapping_is_shown_as_it_is() -> None:
    assert describe_detail("save", ["a", "b"]) == "a、b"
    assert describe_detail("save", None) == ""
    assert describe_detail("save", {"flag": True, "more": {"a": 1}}) == "flag：是，more：a：1"


def test_the_source_labels_cover_the_models(db: Any) -> None:
    from juesuan.web.events import IMPORT_LABELS, SOURCE_LABELS
    from juesuan.web.filings.imports import KIND_LABELS
    from juesuan.web.filings.models import FilingVersion

    for key, label in FilingVersion.SOURCES:
        assert SOURCE_LABELS.get(key) == label
    assert IMPORT_LABELS == KIND_LABELS


def test_the_log_page_speaks_chinese(client: Any, world: Any, make_record: Any) -> None:
    from juesuan.web.workflow import Action

    record = make_record(steps=(Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE))
    client.force_login(world.users["unit_a"])
    assert client.get(f"/desk/f/{record.pk}/v1.yaml").status_code == 200
    page = client.get(f"/desk/f/{record.pk}/log/").content.decode()
    assert '<td title="finance_approve">财政审核通过</td><td>第 1 版，意见：意见</td>' in page
    assert '<td title="department_approve">部门审核通过</td>' in page
    assert '<td title="create">新建填报</td><td>2024 年度，来源：表单编辑</td>' in page
    assert '<td title="download">下载</td><td>第 1 版，格式 YAML 填报文件</td>' in page
    assert ">finance_approve<" not in page and "version=" not in page
