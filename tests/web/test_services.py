"""Saving versions, conflicts, workflow steps and the audit log (database)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.web.conftest import PUBLISHED

from juesuan.web.filings import services
from juesuan.web.filings.models import AuditEvent, FilingVersion, WorkflowStep
from juesuan.web.workflow import Action, State, WorkflowError

pytestmark = pytest.mark.django_db


def _changed(filing: Any, amount: str) -> Any:
    rows = list(filing.income)
    rows[0] = rows[0].model_copy(update={"general_budget": Decimal(amount)})
    return filing.model_copy(update={"income": tuple(rows)})


def test_a_version_stores_what_the_cli_reads(make_record: Any, shanghai_filing: Any) -> None:
    record = make_record()
    assert record.current.number == 1
    assert services.filing_of(record.current) == shanghai_filing
    assert '"general_budget":"1511.89"' in record.current.content  # decimal strings, never floats


def test_saving_an_unchanged_filing_writes_nothing(make_record: Any, world: Any, shanghai_filing: Any) -> None:
    record = make_record()
    version, written = services.save_version(record, shanghai_filing, world.users["unit_a"], base=1)
    assert not written and version.number == 1
    assert FilingVersion.objects.filter(record=record).count() == 1


def test_a_change_is_a_new_version_and_logged(make_record: Any, world: Any, shanghai_filing: Any) -> None:
    record = make_record()
    version, written = services.save_version(record, _changed(shanghai_filing, "1500.00"),
                                             world.users["unit_a"], base=1, note="改正收入")
    assert written and version.number == 2 and record.current_id == version.pk
    assert services.filing_of(version).income[0].general_budget == Decimal("1500.00")
    assert AuditEvent.objects.filter(record=record, action="save").get().detail == {"version": 2, "source": "form"}


def test_two_editors_on_the_same_base_conflict(make_record: Any, world: Any, shanghai_filing: Any) -> None:
    record = make_record()
    services.save_version(record, _changed(shanghai_filing, "1500.00"), world.users["unit_a"], base=1)
    with pytest.raises(services.EditConflict) as caught:
        services.save_version(record, _changed(shanghai_filing, "1400.00"), world.users["admin"], base=1)
    assert "第 2 版" in str(caught.value) and "您编辑的是第 1 版" in str(caught.value)
    record.refresh_from_db()
    assert services.filing_of(record.current).income[0].general_budget == Decimal("1500.00")


def test_versions_cannot_be_changed_once_written(make_record: Any) -> None:
    version = make_record().current
    version.note = "改写"
    with pytest.raises(ValueError, match="不可修改"):
        version.save()


def test_submitted_filings_are_not_editable(make_record: Any, world: Any, shanghai_filing: Any) -> None:
    record = make_record(steps=(Action.SUBMIT,))
    with pytest.raises(services.NotEditable, match="已上报"):
        services.save_version(record, _changed(shanghai_filing, "1.00"), world.users["unit_a"], base=1)


def test_publishing_fixes_the_public_version_while_a_revision_goes_on(
        make_record: Any, world: Any, shanghai_filing: Any) -> None:
    record = make_record(steps=PUBLISHED)
    assert record.state == State.PUBLISHED and record.published.number == 1 and record.published_at
    services.transition(record, Action.REVISE, world.users["unit_a"])
    services.save_version(record, _changed(shanghai_filing, "1.00"), world.users["unit_a"], base=1)
    record.refresh_from_db()
    assert record.state == State.DRAFT and record.current.number == 2 and record.published.number == 1


def test_every_step_is_recorded_with_its_comment(make_record: Any, world: Any) -> None:
    record = make_record(steps=(Action.SUBMIT,))
    services.transition(record, Action.DEPARTMENT_RETURN, world.users["dept_a"], comment="表7 缺少接待批次")
    steps = list(WorkflowStep.objects.filter(record=record).values_list("action", "to_state", "comment"))
    assert steps == [("submit", "submitted", "意见"), ("department_return", "returned", "表7 缺少接待批次")]
    assert AuditEvent.objects.filter(record=record, action="department_return").get().detail["comment"] == \
        "表7 缺少接待批次"


def test_a_refused_step_changes_nothing(make_record: Any, world: Any) -> None:
    record = make_record()
    with pytest.raises(WorkflowError):
        services.transition(record, Action.PUBLISH, world.users["finance_a"])
    record.refresh_from_db()
    assert record.state == State.DRAFT and not WorkflowStep.objects.filter(record=record).exists()


def test_rendered_documents_are_cached_per_version(make_record: Any, monkeypatch: Any) -> None:
    import juesuan.publish

    calls: list[str] = []
    real = juesuan.publish.render

    def counting(doc: Any, fmt: str) -> bytes:
        calls.append(fmt)
        return real(doc, fmt)

    monkeypatch.setattr(juesuan.publish, "render", counting)
    from django.core.cache import cache

    cache.clear()  # other tests may have rendered the same content already
    version = make_record().current
    first = services.rendered(version, "html")
    assert first.lower().startswith(b"<!doctype html") and "普陀区财政局".encode() in first
    assert services.rendered(version, "html") == first
    assert calls == ["html"]


def test_a_stored_scheme_path_is_never_read_on_the_server(make_record: Any, world: Any,
                                                          suizhou_filing: Any, monkeypatch: Any) -> None:
    import juesuan.performance.scheme as scheme_module

    opened: list[str] = []
    real = scheme_module.load_scheme

    def spy(name: str) -> Any:
        opened.append(name)
        return real(name)

    monkeypatch.setattr(scheme_module, "load_scheme", spy)
    assert suizhou_filing.performance is not None
    hostile = suizhou_filing.model_copy(update={"performance": suizhou_filing.performance.model_copy(
        update={"scheme": "/etc/passwd"})})
    record = make_record("b", year=2020, filing=hostile)
    services.document_of(record.current)
    assert "/etc/passwd" not in opened


def test_the_web_lists_the_findings_juesuan_check_gives(make_record: Any, suizhou_filing: Any) -> None:
    from collections import Counter

    from juesuan.assess import check_all
    from juesuan.performance.scheme import load_scheme

    record = make_record("a", year=2020, filing=suizhou_filing)
    findings = services.findings_of(record.current)
    assert findings == check_all(suizhou_filing, scheme=load_scheme("hubei-2020")) == services.check(suizhou_filing)
    assert Counter(f.rule for f in findings if f.rule.startswith("P.")) == {
        "P.explanation": 8, "P.target-quantified": 5, "P.commensurable": 4, "P.rate": 4, "P.total": 2,
        "P.department-totals": 1}
    assert services.document_of(record.current).metadata["scheme"] == "hubei-2020"


def test_a_stored_unknown_scheme_is_said_never_dropped_silently(client: Any, make_record: Any, world: Any,
                                                                suizhou_filing: Any) -> None:
    """Saves refuse a scheme that is not bundled; data that reached the database another way
    gets no 自评表 and no P.* findings, and every page that shows them says why."""
    assert suizhou_filing.performance is not None
    typo = suizhou_filing.model_copy(update={"performance": suizhou_filing.performance.model_copy(
        update={"scheme": "hubei-2O20"})})
    record = make_record("a", year=2020, filing=typo)
    assert not [f for f in services.findings_of(record.current) if f.rule.startswith("P.")]
    problem = services.scheme_problem(typo)
    assert problem is not None and "“hubei-2O20”" in problem
    assert "应为：central-2020、hubei-2020、sichuan-2023" in problem
    assert services.scheme_problem(suizhou_filing) is None
    client.force_login(world.users["unit_a"])
    overview = client.get(f"/desk/f/{record.pk}/").content.decode()
    assert "评分办法“hubei-2O20”不是内置评分办法" in overview and "central-2020、hubei-2020、sichuan-2023" in overview
    editor = client.get(f"/desk/f/{record.pk}/edit/performance/").content.decode()
    assert "评分办法“hubei-2O20”不是内置评分办法" in editor


# --- transactions: a change and its audit event are written together ----------------------------------------


def _failing_log(monkeypatch: Any, failing: str) -> None:
    log = services.log

    def fake(request: Any, action: str, *args: Any, **kwargs: Any) -> None:
        if action == failing:
            raise RuntimeError("操作日志写入失败")
        log(request, action, *args, **kwargs)

    monkeypatch.setattr(services, "log", fake)


def test_a_new_record_and_its_import_event_are_one_transaction(world: Any, shanghai_filing: Any,
                                                               monkeypatch: Any) -> None:
    from juesuan.web.filings.models import FilingRecord

    record = services.create_record(world.units["a"], 2024, shanghai_filing, world.users["unit_a"], source="yaml",
                                    event=("import", {"format": "yaml", "file": "a.yaml"}))
    assert AuditEvent.objects.filter(record=record, action="import").get().detail == \
        {"format": "yaml", "file": "a.yaml", "version": 1}
    _failing_log(monkeypatch, "import")
    with pytest.raises(RuntimeError):
        services.create_record(world.units["b"], 2024, shanghai_filing, world.users["unit_b"], source="yaml",
                               event=("import", {"format": "yaml", "file": "b.yaml"}))
    assert not FilingRecord.objects.filter(unit=world.units["b"]).exists()
    assert not FilingVersion.objects.filter(record__unit=world.units["b"]).exists()


@pytest.mark.parametrize("failing", ["create", "save"])
def test_a_version_is_not_written_without_its_audit_event(make_record: Any, world: Any, shanghai_filing: Any,
                                                          monkeypatch: Any, failing: str) -> None:
    from juesuan.web.filings.models import FilingRecord

    record = make_record()
    _failing_log(monkeypatch, failing)
    with pytest.raises(RuntimeError):
        if failing == "create":
            services.create_record(world.units["b"], 2024, shanghai_filing, world.users["unit_b"])
        else:
            services.save_version(record, _changed(shanghai_filing, "1.00"), world.users["unit_a"], base=1)
    assert not FilingRecord.objects.filter(unit=world.units["b"]).exists()
    record.refresh_from_db()
    assert record.current.number == 1 and FilingVersion.objects.filter(record=record).count() == 1


def test_a_step_is_not_taken_without_its_audit_event(make_record: Any, world: Any, monkeypatch: Any) -> None:
    record = make_record()
    _failing_log(monkeypatch, "submit")
    with pytest.raises(RuntimeError):
        services.transition(record, Action.SUBMIT, world.users["unit_a"], seen=1)
    record.refresh_from_db()
    assert record.state == State.DRAFT and not WorkflowStep.objects.filter(record=record).exists()


def test_a_step_always_names_its_version(make_record: Any, world: Any, shanghai_filing: Any) -> None:
    from django.db import IntegrityError, transaction

    record = make_record()
    services.save_version(record, _changed(shanghai_filing, "1.00"), world.users["unit_a"], base=1)
    step = services.transition(record, Action.SUBMIT, world.users["unit_a"], comment="说明",  # no version seen
                              checks=False)  # the changed amounts are errors: not what this is about
    assert step.version.number == 2
    assert AuditEvent.objects.filter(record=record, action="submit").get().detail["version"] == 2
    with pytest.raises(WorkflowError, match="已更新为第 2 版（您看到的是第 1 版），未撤回"):
        services.transition(record, Action.WITHDRAW, world.users["unit_a"], seen=1)
    # The database refuses a step without its version.
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkflowStep.objects.create(record=record, version=None, action="withdraw", from_state="submitted",
                                    to_state="draft")


def test_a_version_number_taken_meanwhile_is_a_conflict(make_record: Any, world: Any, shanghai_filing: Any,
                                                        monkeypatch: Any) -> None:
    """The last line behind the lock: a save that finds its version number taken (the unique
    constraint) reports a conflict, never a server error."""
    record = make_record()
    real = services._lock

    def stale(locked: Any) -> Any:
        row, current = real(locked)
        if current is not None and current.number == 2:  # another save got in: pretend not to see it
            return row, FilingVersion.objects.get(record=record, number=1)
        return row, current

    services.save_version(record, _changed(shanghai_filing, "1.00"), world.users["admin"], base=1)
    monkeypatch.setattr(services, "_lock", stale)
    with pytest.raises(services.EditConflict, match="保存为第 2 版（您编辑的是第 1 版）"):
        services.save_version(record, _changed(shanghai_filing, "2.00"), world.users["unit_a"], base=1)
    record.refresh_from_db()
    assert record.current.number == 2 and services.filing_of(record.current).income[0].general_budget == \
        Decimal("1.00")
    assert AuditEvent.objects.filter(record=record, action="save").count() == 1
