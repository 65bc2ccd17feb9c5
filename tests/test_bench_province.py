"""The province benchmark's building blocks at a tiny size (SQLite; no Redis, workers or server),
so benchmarks/bench_province.py cannot rot: the province it builds, what it writes for each unit,
the check and publish jobs its workers run, the 汇总 and the pages it loads."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.test import Client

from juesuan.web.filings import services
from juesuan.web.filings.models import AuditEvent, FilingRecord, VersionSummary, WorkflowStep
from juesuan.web.jobs.models import Job
from juesuan.web.orgs.models import Department, Region, Unit

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_province.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("juesuan_bench_province", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_province_building_blocks(settings: object, tmp_path: Path) -> None:
    bench = load_bench()
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]  # the published files go here
    pool = bench.make_pool(3, 5, 2024)
    province = bench.build_province(pool, filings=20, departments=3, year=2024, prefectures=2, counties=2)
    assert (province.regions, province.departments, len(province.record_ids)) == (7, 3, 20)
    assert Region.objects.get(code="990101").parent.code == "990100"
    assert sorted(Unit.objects.filter(department__code=c).count() for c in ("d001", "d002", "d003")) == [6, 7, 7]
    assert Department.objects.get(code="d002").region.code == "990100"

    records = list(FilingRecord.objects.filter(pk__in=province.record_ids)
                   .select_related("unit__department__region", "current").order_by("pk"))
    assert {(r.state, r.published_id == r.current_id, r.current.number) for r in records} == {("published", True, 1)}
    assert WorkflowStep.objects.filter(action="publish").count() == 20
    assert AuditEvent.objects.filter(action="create").count() == AuditEvent.objects.filter(action="publish").count() == 20
    for record in records[:4]:  # what create_record would have written for the unit's own filing
        filing = services.filing_of(record.current)
        assert services.canonical(filing) == record.current.content
        assert (filing.department.name, filing.department.code) == (record.unit.name, record.unit.code)
        assert filing.department.region == record.unit.department.region.name
    assert json.loads(records[0].current.content)["expenditure"] == json.loads(records[3].current.content)["expenditure"]

    before = FilingRecord.objects.count()
    assert bench.time_create_record(pool, province, 2) > 0
    assert FilingRecord.objects.count() == before  # rolled back

    job = Job(kind=bench.SUMMARY_KIND, params={"versions": [r.current_id for r in records]})
    assert bench.summaries_job(job, lambda pct, message: None) == {"versions": 20, "with_errors": 0}
    assert VersionSummary.objects.filter(version_id__in=[r.current_id for r in records]).count() == 20

    total = bench.consolidate_province(2024)
    assert (total["filings"], total["expenditure_rows"] > 0) == (20, True)

    smallest = min(records, key=lambda r: len(json.loads(r.current.content)["expenditure"]))
    from juesuan.web.portal.files import publish_job

    written = publish_job(Job(kind=bench.PUBLISH_KIND, params={"record": smallest.pk}), lambda pct, message: None)
    assert len(written["files"]) == 9  # the page, document.html and the seven downloads

    client = Client()
    pages = bench.portal_pages(province)
    assert [p.name for p in pages] == ["地区年度列表", "搜索", "比较 4 个公开件", "公开页面（文件）"]
    for page in pages:
        response = client.get(page.path)
        assert response.status_code == 200, page.path
