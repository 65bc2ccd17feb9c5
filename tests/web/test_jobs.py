"""Background jobs (juesuan.web.jobs), run at once as the test settings say: one job for
identical requests, progress, Chinese failure messages (never a traceback), the job page and
its JSON for the owner only, and the import's upload read by a job and removed after it."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone
from tests.web.test_imports import SHANGHAI_YAML, token_of

from juesuan.web.jobs import api, tasks
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import HANDLERS, Handler, JobError

pytestmark = pytest.mark.django_db

SEEN: list[tuple[int, str]] = []  # what a handler saw of its own job's row while it ran


def steps(job: Job, progress: tasks.Progress) -> dict[str, Any]:
    for pct, words in ((30, "第一步"), (80, "第二步")):
        progress(pct, words)
        row = Job.objects.get(pk=job.pk)
        SEEN.append((row.progress, row.message))
    job.next_url = "/desk/"
    return {"total": str(job.params["n"] * 2)}


def broken(job: Job, progress: tasks.Progress) -> dict[str, Any]:
    raise ValueError("secret internal detail /srv/x.py line 3")


def too_slow(job: Job, progress: tasks.Progress) -> dict[str, Any]:
    raise SoftTimeLimitExceeded()


def too_big(job: Job, progress: tasks.Progress) -> dict[str, Any]:
    raise MemoryError()


def refused(job: Job, progress: tasks.Progress) -> dict[str, Any]:
    raise JobError(["a.pdf：不是有效的 PDF 文件", "请另选文件"], status=400)


@pytest.fixture
def handlers(monkeypatch: Any) -> None:
    SEEN.clear()
    for kind, fn in (("steps", steps), ("broken", broken), ("slow", too_slow), ("big", too_big),
                     ("refused", refused)):
        monkeypatch.setitem(HANDLERS, kind, Handler(fn, "测试任务", 7, 9))


@pytest.fixture
def queued_only(monkeypatch: Any) -> None:
    """Jobs are queued when the transaction commits, which a test's never does: they stay queued."""
    monkeypatch.setattr(api, "eager", lambda: False)


def test_a_job_runs_reports_progress_and_keeps_its_result(world: Any, handlers: None) -> None:
    job = api.submit("steps", "k1", {"n": 21}, owner=world.users["unit_a"])
    assert SEEN == [(30, "第一步"), (80, "第二步")]
    assert job.state == Job.DONE and job.result == {"total": "42"} and job.progress == 100
    assert job.next_url == "/desk/" and job.attempts == 1 and job.worker and job.error == ""
    assert job.started is not None and job.finished is not None and job.finished >= job.started


def test_identical_requests_share_one_job(world: Any, handlers: None, queued_only: None) -> None:
    first = api.submit("steps", "same", {"n": 1}, owner=world.users["unit_a"])
    second = api.submit("steps", "same", {"n": 2}, owner=world.users["unit_a"])
    other = api.submit("steps", "other", {"n": 3}, owner=world.users["unit_a"])
    assert first.state == Job.QUEUED and second.pk == first.pk and other.pk != first.pk
    assert Job.objects.filter(key="same").count() == 1 and second.params == {"n": 1}


def test_the_database_refuses_a_second_active_job_and_submit_takes_the_first(
        world: Any, handlers: None, queued_only: None, monkeypatch: Any) -> None:
    first = Job.objects.create(kind="steps", key="race", state=Job.RUNNING)
    with pytest.raises(IntegrityError):
        from django.db import transaction

        with transaction.atomic():
            Job.objects.create(kind="steps", key="race")
    # Two requests at the same instant: both found none, the second insert fails.
    monkeypatch.setattr(api, "_active", lambda key: None)
    assert api.submit("steps", "race", {}).pk == first.pk
    # An ended job does not count: the same request again is a new job.
    Job.objects.filter(pk=first.pk).update(state=Job.DONE)
    assert api.submit("steps", "race", {}).pk != first.pk


@pytest.mark.parametrize(("kind", "message"), [
    ("broken", tasks.INTERNAL),
    ("slow", "处理超时：超过 7 秒仍未完成，已停止。"),
    ("big", "内存超限：处理所需内存超过任务进程的上限（上限 2048 MB），已停止。"),
    ("refused", "a.pdf：不是有效的 PDF 文件\n请另选文件"),
])
def test_failures_are_chinese_messages_without_a_traceback(world: Any, handlers: None, kind: str,
                                                           message: str) -> None:
    job = api.submit(kind, f"fail-{kind}", {}, owner=world.users["unit_a"])
    assert job.state == Job.FAILED and job.error.startswith(message)
    assert "Traceback" not in job.error and "secret" not in job.error and "/srv/" not in job.error
    assert job.finished is not None


def test_a_job_that_has_ended_is_not_run_again(world: Any, handlers: None) -> None:
    job = api.submit("steps", "once", {"n": 1})
    tasks.run_job.apply((str(job.pk),))  # a redelivered message
    job.refresh_from_db()
    assert job.attempts == 1 and len(SEEN) == 2


def test_a_running_job_past_its_hard_limit_is_ended(world: Any, handlers: None, queued_only: None) -> None:
    long_ago = timezone.now() - datetime.timedelta(seconds=9 + api.STALE_MARGIN + 1)
    job = Job.objects.create(kind="steps", key="stale", state=Job.RUNNING, started=long_ago)
    fresh = api.submit("steps", "stale", {"n": 1})
    job.refresh_from_db()
    assert job.state == Job.FAILED and job.error == api.INTERRUPTED.format(seconds=9)
    assert fresh.pk != job.pk and fresh.state == Job.QUEUED


def test_the_job_page_and_json_for_the_owner_only(client: Any, world: Any, handlers: None,
                                                  queued_only: None) -> None:
    job = api.submit("steps", "page", {"n": 1}, owner=world.users["unit_a"])
    Job.objects.filter(pk=job.pk).update(state=Job.RUNNING, progress=40, message="正在读取 a.pdf")
    client.force_login(world.users["unit_a"])
    page = client.get(f"/jobs/{job.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "<h1>测试任务</h1>" in text and "处理中" in text
    assert '<progress max="100" value="40">' in text and "正在读取 a.pdf" in text
    assert f'hx-get="/jobs/{job.pk}/" hx-trigger="every 1s"' in text
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<section id="job-status"') and "<html" not in fragment
    data = client.get(f"/jobs/{job.pk}.json").json()
    assert data["state"] == "running" and data["state_label"] == "处理中" and data["progress"] == 40
    assert data["label"] == "测试任务" and data["next_url"] == ""
    # Done: on to the result (htmx: by a header).
    Job.objects.filter(pk=job.pk).update(state=Job.DONE, next_url="/desk/")
    assert client.get(f"/jobs/{job.pk}/")["Location"] == "/desk/"
    assert client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")["HX-Redirect"] == "/desk/"
    assert client.get(f"/jobs/{job.pk}.json").json()["next_url"] == "/desk/"
    # Anyone else: not there.
    for user in ("unit_a2", "unit_b", "dept_a"):
        if user in world.users:
            client.force_login(world.users[user])
            assert client.get(f"/jobs/{job.pk}/").status_code == 404
            assert client.get(f"/jobs/{job.pk}.json").status_code == 404
    client.logout()
    assert client.get(f"/jobs/{job.pk}/")["Location"].startswith("/accounts/login/")


def test_a_failed_job_shows_its_message_and_the_way_back(client: Any, world: Any, handlers: None) -> None:
    job = api.submit("refused", "back", {"back": "/desk/f/1/import/"}, owner=world.users["unit_a"])
    client.force_login(world.users["unit_a"])
    text = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "失败" in text and "a.pdf：不是有效的 PDF 文件" in text and 'role="alert"' in text
    assert '<a href="/desk/f/1/import/">返回重新操作</a>' in text and "hx-trigger" not in text
    assert client.get(f"/jobs/{job.pk}.json").json()["error"] == "a.pdf：不是有效的 PDF 文件\n请另选文件"


def stored(job: Job) -> Path:
    """Where the job's upload was kept (it names it); another test may be uploading meanwhile."""
    [name] = job.params["uploads"]
    return Path(settings.DATA_DIR) / "uploads" / name


def test_an_import_is_read_by_a_job_that_leads_to_the_preview(client: Any, world: Any,
                                                              make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    response = client.post(f"/desk/f/{record.pk}/import/",
                           {"_base": "1", "file": SimpleUploadedFile("a.yaml", SHANGHAI_YAML.read_bytes())})
    job = Job.objects.get(record=record, kind="import")
    assert response.status_code == 302 and response["Location"] == job.next_url
    assert job.state == Job.DONE and job.owner == world.users["unit_a"] and job.result["kind"] == "yaml"
    assert job.next_url.startswith(f"/desk/f/{record.pk}/import/?preview=")
    page = client.get(job.next_url).content.decode()
    assert "导入预览（尚未保存）" in page and token_of(page) == job.next_url.split("=", 1)[1]
    assert not stored(job).exists() and stored(job).parent.is_dir()  # the upload is removed once read
    # The preview is the uploader's: another editor of the unit is told it expired.
    client.force_login(world.users["admin"])
    assert client.get(job.next_url).status_code == 400


def test_an_unreadable_upload_fails_in_chinese_and_is_removed(client: Any, world: Any,
                                                              make_record: Any) -> None:
    record = make_record("a")
    client.force_login(world.users["unit_a"])
    response = client.post(f"/desk/f/{record.pk}/import/",
                           {"_base": "1", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n garbage")})
    job = Job.objects.get(record=record, kind="import")
    assert response.status_code == 400 and job.state == Job.FAILED
    assert job.error and job.error.splitlines()[0] in response.content.decode()
    assert "a.pdf" in job.error and "Traceback" not in job.error
    assert not stored(job).exists() and stored(job).parent.is_dir()
    # Its page says so and leads back to the import form.
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert f'<a href="/desk/f/{record.pk}/import/">返回重新操作</a>' in page


def test_the_embedded_queue_keeps_every_folder_in_the_data_folder(tmp_path: Any) -> None:
    from juesuan.web.jobs import config

    options = config.transport_options(config.EMBEDDED, tmp_path)
    assert options["polling_interval"] == config.EMBEDDED_POLL_SECONDS
    folders = {k: v for k, v in options.items() if k.endswith("_folder") or k.startswith("data_folder")}
    assert folders == {"data_folder_in": str(tmp_path / "tasks" / "queue"),
                       "data_folder_out": str(tmp_path / "tasks" / "queue"),
                       "control_folder": str(tmp_path / "tasks" / "control")}
    assert all(Path(v).is_dir() for v in folders.values())
    assert config.transport_options("redis://127.0.0.1:6379/0", tmp_path) == {
        "visibility_timeout": config.visibility_timeout()}


def test_on_redis_a_running_job_waits_for_the_broker_to_hand_it_over(world: Any, handlers: None,
                                                                     queued_only: None, monkeypatch: Any) -> None:
    from juesuan.web.jobs import config

    monkeypatch.setattr(api, "folder_queue", lambda: None)  # a Redis broker
    monkeypatch.setattr(api, "visibility_timeout", lambda: 300)
    assert api.stale_after(9) == 300 + api.STALE_MARGIN and config.visibility_timeout() >= 9
    past_the_limit = timezone.now() - datetime.timedelta(seconds=9 + api.STALE_MARGIN + 1)
    job = Job.objects.create(kind="steps", key="handed", state=Job.RUNNING, started=past_the_limit)
    assert api.submit("steps", "handed", {"n": 1}).pk == job.pk  # still its worker's (or the next one's)
    Job.objects.filter(pk=job.pk).update(started=timezone.now() - datetime.timedelta(seconds=300 + api.STALE_MARGIN + 1))
    fresh = api.submit("steps", "handed", {"n": 1})
    job.refresh_from_db()
    assert job.state == Job.FAILED and fresh.pk != job.pk
