"""Migrations that change data: steps written without their version get the one current then."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_steps_without_a_version_get_the_version_current_then(make_record: Any, world: Any,
                                                               shanghai_filing: Any) -> None:
    from juesuan.web.filings import services
    from juesuan.web.filings.models import WorkflowStep
    from juesuan.web.workflow import Action

    record = make_record()
    rows = list(shanghai_filing.income)
    rows[0] = rows[0].model_copy(update={"general_budget": rows[0].general_budget + 1})
    services.save_version(record, shanghai_filing.model_copy(update={"income": tuple(rows)}),
                          world.users["unit_a"], base=1)
    services.transition(record, Action.SUBMIT, world.users["unit_a"], comment="说明", checks=False)
    step_pk = WorkflowStep.objects.get(record=record).pk

    before = [("filings", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        old_step = old.get_model("filings", "WorkflowStep")
        old_version = old.get_model("filings", "FilingVersion")
        # As the race wrote it: no version; and a step older than every version (clock change).
        old_step.objects.filter(pk=step_pk).update(version=None)
        first = old_version.objects.get(record_id=record.pk, number=1)
        early = old_step.objects.create(record_id=record.pk, version=None, action="submit", from_state="draft",
                                        to_state="submitted")
        old_step.objects.filter(pk=early.pk).update(at=first.created_at - datetime.timedelta(days=1))
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert WorkflowStep.objects.get(pk=step_pk).version.number == 2
    assert WorkflowStep.objects.get(pk=early.pk).version.number == 1
