"""The review workflow as data: states, actions and who may take them. Pure; no Django.

草稿 → 已上报 → 部门已审核 → 已审核 → 已公开, with 退回 from any review step back to the unit.
A published filing stays public while the unit revises it: 修订 opens a new draft, and the
public keeps seeing the published version until the revision is published in turn. 放弃修订
ends a revision without publishing it: the filing goes back to the published content and state.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    DEPARTMENT_APPROVED = "department_approved"
    RETURNED = "returned"
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.DRAFT: "草稿",
    State.SUBMITTED: "已上报",
    State.DEPARTMENT_APPROVED: "部门已审核",
    State.RETURNED: "退回",
    State.APPROVED: "已审核",
    State.PUBLISHED: "已公开",
}


class Role(StrEnum):
    UNIT_EDITOR = "unit_editor"
    DEPARTMENT_REVIEWER = "department_reviewer"
    FINANCE_REVIEWER = "finance_reviewer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.UNIT_EDITOR: "单位填报",
    Role.DEPARTMENT_REVIEWER: "部门审核",
    Role.FINANCE_REVIEWER: "财政审核",
    Role.ADMIN: "系统管理员",
}


class Action(StrEnum):
    SUBMIT = "submit"
    DEPARTMENT_APPROVE = "department_approve"
    DEPARTMENT_RETURN = "department_return"
    FINANCE_APPROVE = "finance_approve"
    FINANCE_RETURN = "finance_return"
    PUBLISH = "publish"
    REVISE = "revise"
    WITHDRAW = "withdraw"
    ABANDON = "abandon"

    @property
    def label(self) -> str:
        return TRANSITIONS[self].label


@dataclass(frozen=True)
class Transition:
    action: Action
    label: str
    sources: frozenset[State]
    target: State
    role: Role
    comment_required: bool = False  # a return must say why


TRANSITIONS: dict[Action, Transition] = {t.action: t for t in (
    Transition(Action.SUBMIT, "上报", frozenset({State.DRAFT, State.RETURNED}), State.SUBMITTED,
               Role.UNIT_EDITOR),
    Transition(Action.WITHDRAW, "撤回", frozenset({State.SUBMITTED}), State.DRAFT, Role.UNIT_EDITOR),
    Transition(Action.DEPARTMENT_APPROVE, "部门审核通过", frozenset({State.SUBMITTED}),
               State.DEPARTMENT_APPROVED, Role.DEPARTMENT_REVIEWER),
    Transition(Action.DEPARTMENT_RETURN, "退回单位", frozenset({State.SUBMITTED}), State.RETURNED,
               Role.DEPARTMENT_REVIEWER, comment_required=True),
    Transition(Action.FINANCE_APPROVE, "财政审核通过", frozenset({State.DEPARTMENT_APPROVED}),
               State.APPROVED, Role.FINANCE_REVIEWER),
    Transition(Action.FINANCE_RETURN, "退回", frozenset({State.DEPARTMENT_APPROVED, State.APPROVED}),
               State.RETURNED, Role.FINANCE_REVIEWER, comment_required=True),
    Transition(Action.PUBLISH, "公开", frozenset({State.APPROVED}), State.PUBLISHED, Role.FINANCE_REVIEWER),
    Transition(Action.REVISE, "修订", frozenset({State.PUBLISHED}), State.DRAFT, Role.UNIT_EDITOR),
    # Only for a filing that was published (services.transition refuses it otherwise).
    Transition(Action.ABANDON, "放弃修订", frozenset({State.DRAFT, State.RETURNED}), State.PUBLISHED,
               Role.UNIT_EDITOR),
)}

EDITABLE = frozenset({State.DRAFT, State.RETURNED})


class WorkflowError(Exception):
    """An action not allowed in the filing's state; the message is for the user."""


def next_state(state: State, action: Action, *, comment: str = "") -> State:
    """The state after ``action``, or :class:`WorkflowError` saying why it is not allowed."""
    transition = TRANSITIONS[action]
    if state not in transition.sources:
        allowed = "、".join(s.label for s in sorted(transition.sources, key=list(State).index))
        raise WorkflowError(f"“{transition.label}”只能在{allowed}状态下进行，当前为{state.label}")
    if transition.comment_required and not comment.strip():
        raise WorkflowError(f"“{transition.label}”须填写意见，说明退回原因")
    return transition.target


def actions_from(state: State) -> list[Action]:
    """Actions possible in ``state`` (by someone), in workflow order."""
    return [a for a, t in TRANSITIONS.items() if state in t.sources]
