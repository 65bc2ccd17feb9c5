"""The workflow state machine (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juesuan.web.workflow import (
    EDITABLE,
    TRANSITIONS,
    Action,
    State,
    WorkflowError,
    actions_from,
    next_state,
)


def test_the_happy_path_reaches_published() -> None:
    state = State.DRAFT
    for action in (Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE, Action.PUBLISH):
        state = next_state(state, action)
    assert state is State.PUBLISHED


def test_returns_need_a_comment_and_go_back_to_the_unit() -> None:
    with pytest.raises(WorkflowError, match="须填写意见"):
        next_state(State.SUBMITTED, Action.DEPARTMENT_RETURN, comment="  ")
    assert next_state(State.SUBMITTED, Action.DEPARTMENT_RETURN, comment="表3 合计不平") is State.RETURNED
    assert next_state(State.RETURNED, Action.SUBMIT) is State.SUBMITTED


def test_publishing_a_draft_is_refused_with_the_allowed_states() -> None:
    with pytest.raises(WorkflowError) as caught:
        next_state(State.DRAFT, Action.PUBLISH)
    assert str(caught.value) == "“公开”只能在已审核状态下进行，当前为草稿"


def test_a_published_filing_is_revised_as_a_new_draft() -> None:
    assert actions_from(State.PUBLISHED) == [Action.REVISE]
    assert next_state(State.PUBLISHED, Action.REVISE) is State.DRAFT


@given(st.sampled_from(list(State)), st.sampled_from(list(Action)), st.text(max_size=5))
def test_next_state_is_total(state: State, action: Action, comment: str) -> None:
    """Every (state, action) either moves to the declared target or refuses in Chinese."""
    try:
        after = next_state(state, action, comment=comment)
    except WorkflowError as exc:
        assert str(exc) and ("只能在" in str(exc) or "须填写意见" in str(exc))
        assert state not in TRANSITIONS[action].sources or not comment.strip()
    else:
        assert state in TRANSITIONS[action].sources
        assert after is TRANSITIONS[action].target


def test_only_draft_and_returned_are_editable() -> None:
    assert {State.DRAFT, State.RETURNED} == EDITABLE


def test_every_state_is_reachable_and_has_a_way_on() -> None:
    reached = {State.DRAFT}
    frontier = [State.DRAFT]
    while frontier:
        state = frontier.pop()
        for action in actions_from(state):
            target = TRANSITIONS[action].target
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(State)
    assert all(actions_from(s) for s in State)
