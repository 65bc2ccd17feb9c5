"""Field-by-field differences between versions (pure)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from juesuan.filing.io import filing_to_data
from juesuan.web.diff import Change, diff, flatten


def test_rows_are_matched_by_code_so_an_inserted_row_is_one_change() -> None:
    before = {"income": [{"code": "2010301", "general_budget": "10.00"},
                         {"code": "2080501", "general_budget": "5.00"}]}
    after = {"income": [{"code": "2010301", "general_budget": "10.00"},
                        {"code": "2010302", "general_budget": "1.00"},
                        {"code": "2080501", "general_budget": "5.50"}]}
    assert diff(before, after) == [
        Change("income[2010302].code", None, "2010302"),
        Change("income[2010302].general_budget", None, "1.00"),
        Change("income[2080501].general_budget", "5.00", "5.50"),
    ]


def test_expenditure_rows_are_keyed_by_code_and_fund() -> None:
    data = {"expenditure": [{"code": "2010301", "fund": "general_budget", "basic": "1"},
                            {"code": "2010301", "fund": "government_fund", "basic": "2"}]}
    assert dict(flatten(data))["expenditure[2010301 government_fund].basic"] == "2"


def test_removed_values_are_listed_last() -> None:
    changes = diff({"a": "1", "b": "2"}, {"b": "3"})
    assert [c.kind for c in changes] == ["changed", "removed"]


def test_an_example_filing_against_itself_has_no_changes(shanghai_filing: Any) -> None:
    data = filing_to_data(shanghai_filing)
    assert diff(data, data) == []
    assert len(list(flatten(data))) > 200


json_values = st.recursive(
    st.none() | st.text(max_size=4) | st.integers(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12)


@given(json_values, json_values)
def test_diff_is_empty_exactly_when_the_flattened_values_agree(a: Any, b: Any) -> None:
    assert (diff(a, b) == []) == (dict(flatten(a)) == dict(flatten(b)))
