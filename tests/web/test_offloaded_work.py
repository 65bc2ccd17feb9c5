"""Documents are rendered, and publications written, by background jobs, never by a web
request: a request that finds a document not rendered yet asks for its job (one job however
many ask) and answers at once — the filer is sent to the job's page, a visitor of the portal
gets 503 with Retry-After, the API the same as JSON. Here jobs are queued, not run at once (as
the test settings do), and then run by hand, as a worker would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from juesuan.web.jobs import api
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import run_job
from juesuan.web.workflow import Action

from .conftest import PUBLISHED

ADDRESS = "/310107/2024/da/ua/"


@pytest.fixture
def queued(monkeypatch: Any) -> list[str]:
    """Jobs are queued (their ids recorded) instead of run in the request."""
    sent: list[str] = []

    class Queue:
        @staticmethod
        def apply_async(args: tuple[str], **options: Any) -> None:
            assert options["soft_time_limit"] < options["time_limit"]
            sent.append(args[0])

    monkeypatch.setattr(api, "eager", lambda: False)
    monkeypatch.setattr(api, "run_job", Queue)
    return sent


def work(sent: list[str]) -> list[Job]:
    """What a worker does: run every queued job."""
    done = []
    while sent:
        pk = sent.pop(0)
        run_job.apply((pk,))
        done.append(Job.objects.get(pk=pk))
    return done


@pytest.mark.django_db(transaction=True)
def test_a_filer_is_sent_to_the_job_and_back_to_the_download(
        client: Any, world: Any, make_record: Any, queued: list[str]) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    url = f"/desk/f/{record.pk}/v1.pdf"
    first = client.get(url)
    assert first.status_code == 302 and first["Location"].startswith("/jobs/")
    job = Job.objects.get(kind="render_version")
    assert (job.state, job.next_url, job.owner_id) == (Job.QUEUED, url, world.users["unit_a"].pk)
    # Asked again while it waits: the same job.
    assert client.get(url)["Location"] == first["Location"]
    assert Job.objects.filter(kind="render_version").count() == 1 and len(queued) == 1
    page = client.get(first["Location"])
    assert page.status_code == 200 and "生成文档" in page.content.decode()
    [done] = work(queued)
    assert done.state == Job.DONE, done.error
    # Done: the job's page leads to the download, which is served from what the job rendered.
    assert client.get(first["Location"])["Location"] == url
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not queued


@pytest.mark.django_db(transaction=True)
def test_a_visitor_waits_for_a_new_document_without_holding_a_worker(
        client: Any, make_record: Any, queued: list[str], published_folder: Path) -> None:
    make_record("a", steps=PUBLISHED)
    # The steps queued the overview's counts (one job: one version), the 汇总 and the
    # publication's files; none has run yet.
    kinds = list(Job.objects.values_list("kind", flat=True))
    assert set(kinds) == {"summarise", "consolidate", "publish"}
    assert kinds.count("summarise") == kinds.count("publish") == 1
    publication = [pk for pk in queued if Job.objects.get(pk=pk).kind == "publish"]
    queued[:] = [pk for pk in queued if pk not in publication]
    work(queued)  # all but the files
    for _ in range(4):  # four visitors, one job
        response = client.get(ADDRESS + "document.pdf")
        assert response.status_code == 503
        assert response["Retry-After"] == "5" and response["Cache-Control"] == "no-store"
        assert "正在生成 PDF 文件" in response.content.decode()
    assert Job.objects.filter(kind="render_version").count() == 1 and len(queued) == 1
    api_response = client.get("/api/disclosures/310107/2024/da/ua/document")
    assert api_response.status_code == 503 and api_response.json() == {"detail": "文档正在生成，请稍后重试。"}
    # The data that needs no document is there already.
    assert client.get(ADDRESS + "tables.csv").status_code == 200
    assert {j.kind for j in work(queued)} == {"render_version"}
    assert client.get(ADDRESS + "document.pdf").content.startswith(b"%PDF")
    # The publication's job writes every file; from then on they are sent as files.
    queued.extend(publication)
    [published] = work(queued)
    assert published.state == Job.DONE, published.error
    assert ADDRESS + "document.docx" in published.result["files"]
    folder = published_folder / "310107" / "2024" / "da" / "ua"
    assert (folder / "index.html").is_file() and (folder / "document.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_a_step_queues_the_counts_of_the_overview(make_record: Any, queued: list[str]) -> None:
    from juesuan.web.filings.models import VersionSummary

    record = make_record("a", steps=(Action.SUBMIT,))
    [job] = Job.objects.filter(kind="summarise")
    assert job.params == {"version": record.current_id}
    assert not VersionSummary.objects.exists()
    work(queued)
    kept = VersionSummary.objects.get(version_id=record.current_id)
    assert kept.figures["income_total"] == "2946.26"
