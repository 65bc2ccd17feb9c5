"""Concurrent saves and workflow steps on one filing, with real transactions.

Each contender runs in a thread of its own, so Django gives it a database connection of its own;
a barrier lets them start their transactions at the same instant. On PostgreSQL the second
transaction waits for the first's row lock and must then see the version the first wrote; on
SQLite writers are serialised by the database. Either way: exactly one winner, the other gets a
conflict (409) or a workflow error, never an IntegrityError or a 500, never a step without its
version, never a lost version. scripts/test.sh runs these on both databases.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.test import Client
from tests.web.conftest import EXAMPLES

from juesuan.web.filings import services
from juesuan.web.filings.models import AuditEvent, FilingRecord, FilingVersion, WorkflowStep
from juesuan.web.workflow import Action, State, WorkflowError

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 10
SHANGHAI_YAML = EXAMPLES / "shanghai-putuo-czj-2024.yaml"


def race(*contenders: Callable[[], Any]) -> list[tuple[str, Any]]:
    """Run the callables at the same instant, each in its own thread and database connection:
    ("ok", result) or ("error", exception) for each, in order."""
    barrier = threading.Barrier(len(contenders))
    results: list[tuple[str, Any]] = [("error", RuntimeError("线程未结束"))] * len(contenders)

    def run(index: int, contender: Callable[[], Any]) -> None:
        try:
            connection.ensure_connection()  # connect before the start, not inside the race
            barrier.wait(timeout=30)
            results[index] = ("ok", contender())
        except BaseException as exc:  # reported to the test, whatever it is
            results[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "并发操作未在 120 秒内结束"
    return results


def _changed(filing: Any, amount: str) -> Any:
    rows = list(filing.income)
    rows[0] = rows[0].model_copy(update={"general_budget": Decimal(amount)})
    return filing.model_copy(update={"income": tuple(rows)})


def _amount(version: FilingVersion) -> Decimal:
    return services.filing_of(version).income[0].general_budget


def _unexpected(results: list[tuple[str, Any]], *expected: type[BaseException]) -> list[Any]:
    return [value for kind, value in results if kind == "error" and not isinstance(value, expected)]


def _steps_have_versions(record: FilingRecord) -> None:
    for step in WorkflowStep.objects.filter(record=record):
        assert step.version_id is not None, f"{step.action} 没有记录版本"
    for event in AuditEvent.objects.filter(record=record).exclude(action__in=("create", "download")):
        if event.action in {a.value for a in Action} or event.action in ("save", "import"):
            assert event.detail.get("version") is not None, f"操作日志 {event.action} 没有版本号"


# --- the services ----------------------------------------------------------------------------------------


def test_two_saves_at_the_same_instant_one_wins_one_conflicts(make_record: Any, world: Any,
                                                              shanghai_filing: Any) -> None:
    record = make_record()
    for round_ in range(ROUNDS):
        base = record.current.number
        amounts = (f"{1000 + 2 * round_}.00", f"{1001 + 2 * round_}.00")
        users = (world.users["unit_a"], world.users["admin"])
        results = race(*(partial(services.save_version, record, _changed(shanghai_filing, amount), user, base=base)
                         for amount, user in zip(amounts, users, strict=True)))
        assert not _unexpected(results, services.EditConflict), results
        winners = [value for kind, value in results if kind == "ok"]
        assert len(winners) == 1, results
        version, written = winners[0]
        assert written and version.number == base + 1
        conflict = next(value for kind, value in results if kind == "error")
        assert conflict.current.number == base + 1 and conflict.base == base
        record.refresh_from_db()
        assert record.current_id == version.pk
        assert FilingVersion.objects.filter(record=record).count() == base + 1  # none lost, none extra
        assert str(_amount(record.current)) == amounts[results.index(("ok", winners[0]))]
        assert AuditEvent.objects.filter(record=record, action="save").count() == round_ + 1


def test_a_save_and_a_submit_at_the_same_instant(make_record: Any, world: Any, shanghai_filing: Any) -> None:
    """The submit was made on the version the user saw: if a save got in first it is refused, and
    a step always names its version (it was accepted on the newer one without a version)."""
    record = make_record()
    for round_ in range(ROUNDS):
        record.refresh_from_db()
        seen = record.current.number
        results = race(
            partial(services.save_version, record, _changed(shanghai_filing, f"{2000 + round_}.00"),
                    world.users["admin"], base=seen),
            # Without the checks' refusal: the changed amounts are errors, and this is about the race.
            partial(services.transition, record, Action.SUBMIT, world.users["unit_a"], comment="说明", seen=seen,
                    checks=False))
        assert not _unexpected(results, services.NotEditable, WorkflowError), results
        assert [kind for kind, _ in results].count("ok") == 1, results
        record.refresh_from_db()
        if results[0][0] == "ok":  # the save won: the submit was refused, the filing is still a draft
            assert isinstance(results[1][1], WorkflowError) and "已更新为第" in str(results[1][1])
            assert record.state == State.DRAFT and record.current.number == seen + 1
        else:  # the submit won, on the version it saw: the save was refused
            assert isinstance(results[0][1], services.NotEditable)
            step = results[1][1]
            assert record.state == State.SUBMITTED and step.version.number == seen == record.current.number
            services.transition(record, Action.WITHDRAW, world.users["unit_a"], seen=seen)
        _steps_have_versions(record)
        assert FilingVersion.objects.filter(record=record).count() == record.current.number


def test_two_steps_at_the_same_instant(make_record: Any, world: Any) -> None:
    """A double click, or two reviewers: one step is taken, the other is refused."""
    record = make_record(steps=(Action.SUBMIT,))
    for _ in range(ROUNDS):
        record.refresh_from_db()
        seen, before = record.current.number, WorkflowStep.objects.filter(record=record).count()
        results = race(
            partial(services.transition, record, Action.DEPARTMENT_APPROVE, world.users["dept_a"], seen=seen),
            partial(services.transition, record, Action.DEPARTMENT_RETURN, world.users["dept_a"], comment="退回",
                    seen=seen))
        assert not _unexpected(results, WorkflowError), results
        assert [kind for kind, _ in results].count("ok") == 1, results
        assert WorkflowStep.objects.filter(record=record).count() == before + 1
        _steps_have_versions(record)
        record.refresh_from_db()
        # Back to 已上报 for the next round.
        if record.state == State.DEPARTMENT_APPROVED:
            services.transition(record, Action.FINANCE_RETURN, world.users["finance_a"], comment="退回")
        services.transition(record, Action.SUBMIT, world.users["unit_a"], comment="说明", seen=seen)


@pytest.fixture
def short_lock_waits() -> Any:
    """This thread's connection waits 0.2 s for a lock instead of the configured 20 s (SQLite's
    busy timeout) or forever (PostgreSQL); its connection is closed afterwards, so the next
    test gets the configured one."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 200")
        else:
            cursor.execute("SET lock_timeout = '200ms'")
    yield
    connection.close()


def _holding_the_lock(record: FilingRecord) -> tuple[threading.Event, threading.Thread]:
    """Another connection holds the record's row lock (SQLite: the database's write lock) until
    the returned event is set."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                FilingRecord.objects.select_for_update().order_by().get(pk=record.pk)
                held.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(timeout=30)
    return release, thread


def test_a_database_locked_too_long_is_a_conflict_not_an_error(make_record: Any, world: Any,
                                                               shanghai_filing: Any, short_lock_waits: Any) -> None:
    """SQLite's "database is locked" (or PostgreSQL's lock timeout) after waiting: nothing is
    saved and the user is told to try again, never a server error."""
    record = make_record()
    release, thread = _holding_the_lock(record)
    try:
        with pytest.raises(services.SaveBusy, match="数据库暂时繁忙，本次未保存") as caught:
            services.save_version(record, _changed(shanghai_filing, "1.00"), world.users["unit_a"], base=1)
        assert isinstance(caught.value, services.EditConflict) and caught.value.current.number == 1
        with pytest.raises(WorkflowError, match="数据库暂时繁忙，未上报"):
            services.transition(record, Action.SUBMIT, world.users["unit_a"], comment="说明", seen=1)
    finally:
        release.set()
        thread.join(timeout=60)
    record.refresh_from_db()
    assert record.state == State.DRAFT and record.current.number == 1
    assert not WorkflowStep.objects.filter(record=record).exists()
    assert not AuditEvent.objects.filter(record=record).exclude(action="create").exists()
    services.save_version(record, _changed(shanghai_filing, "1.00"), world.users["unit_a"], base=1)  # works again


# --- through the pages --------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _yaml(tag: str) -> bytes:
    """The example as a file of its own (the department's short name tagged), with the one
    figure it lacks: a filing without errors or 【待填写】, which may be 上报."""
    text = SHANGHAI_YAML.read_text(encoding="utf-8")
    assert text.count("\nprior_year:\n") == 1 and text.count("  name: 上海市普陀区财政局\n") == 1
    text = text.replace("\nprior_year:\n", "\nprior_year:\n  fiscal_grand_total: 2988.65\n")
    return text.replace("  name: 上海市普陀区财政局\n",
                        f"  name: 上海市普陀区财政局\n  short_name: 区财政局{tag}\n").encode()


def _preview(client: Client, record: Any, base: int, data: bytes) -> dict[str, str]:
    """Upload for import (step 1, nothing saved): the confirmation the form would post."""
    response = client.post(f"/desk/f/{record.pk}/import/",
                           {"_base": str(base), "file": SimpleUploadedFile("a.yaml", data)}, follow=True)
    page = response.content.decode()
    token = re.search(r'name="_token" value="([^"]+)"', page)
    assert response.status_code == 200 and token is not None, page[:2000]
    # The example names 上海市普陀区财政局, not the fixtures' 单位A: the import is confirmed.
    return {"_token": token.group(1), **({"_other": "1"} if 'name="_other"' in page else {})}


def test_two_imports_at_the_same_instant_give_one_409(make_record: Any, world: Any) -> None:
    record = make_record()
    clients = (_client(world.users["unit_a"]), _client(world.users["unit_a"]))
    for round_ in range(ROUNDS):
        record.refresh_from_db()
        base = record.current.number
        confirms = [_preview(client, record, base, _yaml(tag))
                    for client, tag in zip(clients, (f"{2 * round_}", f"{2 * round_ + 1}"), strict=True)]
        results = race(*(partial(client.post, f"/desk/f/{record.pk}/import/", data)
                         for client, data in zip(clients, confirms, strict=True)))
        assert all(kind == "ok" for kind, _ in results), results
        assert sorted(r.status_code for _, r in results) == [200, 409], results
        record.refresh_from_db()
        assert record.current.number == base + 1
        assert FilingVersion.objects.filter(record=record).count() == base + 1
        assert AuditEvent.objects.filter(record=record, action="import").count() == round_ + 1


def test_an_import_and_a_submit_at_the_same_instant(make_record: Any, world: Any) -> None:
    record = make_record()
    importer, submitter = _client(world.users["unit_a"]), _client(world.users["unit_a"])
    for round_ in range(ROUNDS):
        record.refresh_from_db()
        seen = record.current.number
        confirm = _preview(importer, record, seen, _yaml(f"{round_}"))
        results = race(
            partial(importer.post, f"/desk/f/{record.pk}/import/", confirm),
            partial(submitter.post, f"/desk/f/{record.pk}/act/submit/",
                    {"version": str(seen), "comment": "说明", "confirm": "1"}))
        assert all(kind == "ok" for kind, _ in results), results
        imported, submitted = (r for _, r in results)
        assert imported.status_code in (200, 302) and submitted.status_code == 302, results
        record.refresh_from_db()
        if record.state == State.SUBMITTED:  # the submit won: the import was refused, nothing written
            assert imported.status_code == 302 and record.current.number == seen
            services.transition(record, Action.WITHDRAW, world.users["unit_a"])
        else:
            assert imported.status_code == 200 and record.current.number == seen + 1
        _steps_have_versions(record)
        assert FilingVersion.objects.filter(record=record).count() == record.current.number
