"""E-mail notices of workflow steps: who is told of which step, and in which words. Pure; no
Django (the services find the addresses and send, after the step's transaction commits).

退回 tells the unit's editors why; 部门审核通过 tells the region's finance reviewers that a
filing waits for them; 财政审核通过 tells the unit's editors; 公开 tells the unit's editors and
the department's reviewers. Other steps (上报, 撤回, 修订, 放弃修订) send nothing: the reviewers
see reported filings in their 工作台.
"""

from __future__ import annotations

from dataclasses import dataclass

from juesuan.web.workflow import Action, Role

AUDIENCES: dict[Action, tuple[Role, ...]] = {
    Action.DEPARTMENT_RETURN: (Role.UNIT_EDITOR,),
    Action.FINANCE_RETURN: (Role.UNIT_EDITOR,),
    Action.DEPARTMENT_APPROVE: (Role.FINANCE_REVIEWER,),
    Action.FINANCE_APPROVE: (Role.UNIT_EDITOR,),
    Action.PUBLISH: (Role.UNIT_EDITOR, Role.DEPARTMENT_REVIEWER),
}

SUBJECT_PREFIX = "【部门决算】"
FOOTER = "此邮件由部门决算公开平台自动发送，请勿直接回复。"


@dataclass(frozen=True)
class Step:
    """A workflow step as a notice tells of it."""

    action: Action
    unit: str  # 单位名称
    department: str  # 主管部门名称
    year: int
    version: int  # the version the step was taken on
    actor: str  # who took it (name or login), "系统" when nobody did
    comment: str
    url: str  # absolute address of the filing's overview


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str


def audience(action: Action) -> tuple[Role, ...]:
    """The roles (of the filing's unit, department or region) told of ``action``."""
    return AUDIENCES.get(action, ())


def _what(step: Step) -> tuple[str, str]:
    """The subject's ending and the body's first sentence."""
    filing = f"{step.unit}（{step.department}）{step.year} 年度部门决算第 {step.version} 版"
    if step.action in (Action.DEPARTMENT_RETURN, Action.FINANCE_RETURN):
        who = "部门审核" if step.action is Action.DEPARTMENT_RETURN else "财政审核"
        return ("被退回", f"{filing}已在{who}中由 {step.actor} 退回。请按审核意见修改，"
                          "或在检查结果中填写出错说明后重新上报。")
    if step.action is Action.DEPARTMENT_APPROVE:
        return ("待财政审核", f"{filing}已由 {step.actor} 部门审核通过，等待财政审核。")
    if step.action is Action.FINANCE_APPROVE:
        return ("已通过财政审核", f"{filing}已由 {step.actor} 财政审核通过，将由财政部门公开。")
    if step.action is Action.PUBLISH:
        return ("已公开", f"{filing}已由 {step.actor} 公开，社会公众可在公开网站查看和下载。")
    raise ValueError(f"{step.action} 不发送通知")


def compose(step: Step) -> Notice | None:
    """The notice of ``step``, or ``None`` for a step that sends none."""
    if not audience(step.action):
        return None
    ending, opening = _what(step)
    lines = [opening, ""]
    comment = step.comment.strip()
    if comment:
        label = "退回意见" if step.action in (Action.DEPARTMENT_RETURN,
                                              Action.FINANCE_RETURN) else "审核意见"
        lines += [f"{label}：", comment, ""]
    lines += [f"查看填报：{step.url}", "", FOOTER]
    subject = f"{SUBJECT_PREFIX}{step.unit}{step.year}年度部门决算{ending}"
    # A subject is one line: a unit name with a line break would break the mail's header.
    return Notice(" ".join(subject.split()), "\n".join(lines) + "\n")
