"""绩效自评 › 自评结果 › 预算执行率 in the web form is a percentage: a rate filed as a fraction
(随州 2020 “互联网+放管服” 0.86) shows as 86 %, what is typed is saved as typed with
``rate_is_percent`` (no float, no rounding), and it scores as the same fraction would."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.web.test_editor import content, form_values, section_url, versions

from juesuan.filing.model import Filing

RATE = "performance.projects.1.stated.rate"  # 互联网+放管服, filed as 0.86


def opened(client: Any, world: Any, make_record: Any, filing: Filing) -> tuple[Any, dict[str, str], str]:
    record = make_record("a", year=filing.year, filing=filing)
    client.force_login(world.users["unit_a"])
    page = client.get(section_url(record, "performance")).content.decode()
    return record, form_values(page), page


def test_a_fraction_is_shown_as_a_percentage(client: Any, world: Any, make_record: Any,
                                             suizhou_filing: Filing) -> None:
    _, values, page = opened(client, world, make_record, suizhou_filing)
    assert values[RATE] == "86"
    assert values["performance.projects.0.stated.rate"] == "100"  # filed as 1
    assert values["performance.department.stated.rate"] == "83.71"  # filed as 0.8371
    assert values[RATE + "._fraction"] == "0.86"  # carried back, so saving as shown keeps it
    assert f'name="{RATE}"' in page and '<span class="unit">%</span>' in page
    assert "rate_is_percent" not in page  # no checkbox: the form is always in per cent


def test_a_percentage_filed_as_one_is_shown_as_filed(client: Any, world: Any, make_record: Any,
                                                     suizhou_filing: Filing) -> None:
    assert suizhou_filing.performance is not None
    projects = list(suizhou_filing.performance.projects)
    stated = projects[1].stated.model_copy(update={"rate": Decimal("86.5"), "rate_is_percent": True})
    projects[1] = projects[1].model_copy(update={"stated": stated})
    filing = suizhou_filing.model_copy(update={"performance": suizhou_filing.performance.model_copy(
        update={"projects": tuple(projects)})})
    _, values, _ = opened(client, world, make_record, filing)
    assert values[RATE] == "86.5" and RATE + "._fraction" not in values


def test_a_typed_percentage_is_saved_exactly_and_scores_as_its_fraction(
        client: Any, world: Any, make_record: Any, suizhou_filing: Filing) -> None:
    from juesuan.performance.rules import check_performance
    from juesuan.web.filings import services

    record, values, _ = opened(client, world, make_record, suizhou_filing)
    before = content(record)
    values[RATE] = "９５．５%"  # full-width, with the sign
    response = client.post(section_url(record, "performance"), values)
    assert response.status_code == 302 and versions(record) == 2
    after = content(record)
    assert after["performance"]["projects"][1]["stated"] == {
        "rate": "95.5", "rate_is_percent": True, "execution_score": "17.2", "total": "97.2"}
    # nothing else changed: the other rates stay the fractions they were filed as
    after["performance"]["projects"][1]["stated"] = before["performance"]["projects"][1]["stated"]
    assert after == before
    saved = services.filing_of(record.current)
    assert saved.performance is not None
    stated = saved.performance.projects[1].stated
    assert (stated.rate, stated.rate_is_percent) == (Decimal("95.5"), True)
    # the same as 0.955 filed as a fraction: the same scores and the same findings
    assert suizhou_filing.performance is not None
    projects = list(suizhou_filing.performance.projects)
    fraction = projects[1].stated.model_copy(update={"rate": Decimal("0.955")})
    projects[1] = projects[1].model_copy(update={"stated": fraction})
    as_fraction = suizhou_filing.model_copy(update={"performance": suizhou_filing.performance.model_copy(
        update={"projects": tuple(projects)})})
    scheme = services.scheme_of(saved)
    assert scheme is not None
    result, findings = check_performance(saved, scheme)
    expected_result, expected_findings = check_performance(as_fraction, scheme)
    assert result is not None and expected_result is not None
    assert ([(e.execution, e.total, e.grade) for e in result.evaluations]
            == [(e.execution, e.total, e.grade) for e in expected_result.evaluations])
    # juesuan's scores come from the figures, not from the stated rate: as before the change
    original = check_performance(suizhou_filing, scheme)[0]
    assert original is not None
    assert [e.total for e in result.evaluations] == [e.total for e in original.evaluations]
    assert result.projects[1].total == Decimal("97.258")
    key = [(f.rule, f.severity, f.location, f.expected) for f in findings]
    assert key == [(f.rule, f.severity, f.location, f.expected) for f in expected_findings]
    # 95.5% stated against the 86.29% the figures give: P.rate says so, for both
    rate = [f for f in findings if f.location.path == "performance.projects[1].stated.rate"]
    assert [(f.rule, f.expected, f.found) for f in rate] == [("P.rate", "0.8629", "0.955")]


def test_the_conversion_is_exact_and_only_for_display() -> None:
    from juesuan.web.filings.forms_schema import percent_saved, percent_shown

    assert percent_shown("0.8371", False) == ("83.71", "0.8371")
    assert percent_shown("1.00", False) == ("100", "1.00")
    assert percent_shown("86", True) == ("86", None)  # a percentage is shown as filed
    assert percent_saved("86.00", "0.86") == ("0.86", False)  # the same number: kept as filed
    assert percent_saved("86.01", "0.86") == ("86.01", True)
    # the marker comes back from the browser: no number is written out from a forged one
    assert percent_saved("86", "1E+999999999") == ("86", True)
    assert percent_saved("86", "abc") == ("86", True)
