"""Classification code lists keyed by (year, code)."""

from __future__ import annotations

from juesuan import codes


def test_functional_lookup_by_year() -> None:
    functional = codes.functional()
    assert functional.name(2024, "2010601") == "行政运行"
    assert functional.name(2024, "20106") == "财政事务"
    assert functional.name(2024, "221") == "住房保障支出"
    # 20139 社会工作事务 was created by the 2023 reform: not in the 2020 list.
    assert functional.name(2024, "20139") == "社会工作事务"
    assert functional.lookup(2020, "20139") is None
    assert functional.lookup(2024, "2019999") is None


def test_economic_lookup() -> None:
    economic = codes.economic()
    assert economic.name(2020, "30217") == "公务接待费"
    assert economic.name(2020, "310") == "资本性支出"
    assert economic.lookup(2020, "30298") is None


def test_every_row_has_a_known_parent_and_consistent_length() -> None:
    for code_list, parent_of in ((codes.functional(), codes.functional_parent),
                                 (codes.economic(), codes.economic_parent)):
        known = {e.code for e in code_list.entries}
        for entry in code_list.entries:
            assert entry.code.isdigit()
            assert entry.parent == parent_of(entry.code)
            if entry.parent is not None:
                assert entry.parent in known, entry.code
            assert {"类": 3, "款": 5, "项": 7}[entry.level] == len(entry.code)


def test_classes_printed_in_table_1() -> None:
    classes = [e.code for e in codes.functional().classes(2024)]
    assert classes[:3] == ["201", "202", "203"]
    assert "234" in classes
    assert "234" not in [e.code for e in codes.functional().classes(2019)]


def test_unverified_rows_are_marked() -> None:
    entry = codes.functional().lookup(2024, "2010301")
    assert entry is not None and not entry.verified
    entry = codes.functional().lookup(2024, "2010601")
    assert entry is not None and entry.verified
