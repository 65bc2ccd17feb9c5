"""Ended jobs are forgotten after JOBS_KEPT_DAYS with the files they wrote; active ones never;
upload files a killed worker left are removed after UPLOADS_KEPT_HOURS."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from juesuan.limits import JOBS_KEPT_DAYS, UPLOADS_KEPT_HOURS
from juesuan.web.jobs.housekeeping import forget_jobs
from juesuan.web.jobs.models import Job

pytestmark = pytest.mark.django_db


def job(key: str, state: str, ended_days_ago: float | None, data: Path, uploads: tuple[str, ...] = ()) -> Job:
    finished = None if ended_days_ago is None else timezone.now() - datetime.timedelta(days=ended_days_ago)
    made = Job.objects.create(kind="render", key=key, state=state, finished=finished,
                              params={"uploads": list(uploads)})
    for name in ("renders", "audits"):
        (data / name / str(made.pk)).mkdir(parents=True)
        (data / name / str(made.pk) / "1.html").write_text("x")
    return made


def test_old_ended_jobs_go_with_their_folders(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    old_done = job("a", Job.DONE, JOBS_KEPT_DAYS + 1, tmp_path)
    old_failed = job("b", Job.FAILED, JOBS_KEPT_DAYS + 0.5, tmp_path)
    recent = job("c", Job.DONE, JOBS_KEPT_DAYS - 1, tmp_path)
    running = job("d", Job.RUNNING, None, tmp_path, uploads=("kept.upload",))
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    stale = timezone.now().timestamp() - (UPLOADS_KEPT_HOURS + 1) * 3600
    for name in ("left.upload", "kept.upload", ".audit.x"):
        (uploads / name).mkdir() if name.startswith(".audit") else (uploads / name).write_bytes(b"x")
        os.utime(uploads / name, (stale, stale))
    (uploads / "fresh.upload").write_bytes(b"x")

    assert forget_jobs() == {"jobs": 2, "folders": 4, "uploads": 2}
    assert set(Job.objects.values_list("key", flat=True)) == {"c", "d"}
    for gone in (old_done, old_failed):
        assert not (tmp_path / "renders" / str(gone.pk)).exists()
        assert not (tmp_path / "audits" / str(gone.pk)).exists()
    for kept in (recent, running):
        assert (tmp_path / "renders" / str(kept.pk) / "1.html").exists()
    # The running job's upload stays however old; the fresh one too.
    assert sorted(p.name for p in uploads.iterdir()) == ["fresh.upload", "kept.upload"]
    assert forget_jobs() == {"jobs": 0, "folders": 0, "uploads": 0}


def test_the_command_takes_the_days(settings: Any, tmp_path: Path, capsys: Any) -> None:
    settings.DATA_DIR = tmp_path
    job("a", Job.DONE, 3, tmp_path)
    call_command("forget_jobs", "--days", "5")
    assert Job.objects.count() == 1
    call_command("forget_jobs", "--days", "2")
    assert Job.objects.count() == 0
    assert "已删除 1 个后台任务、2 个文件夹、0 个遗留上传文件" in capsys.readouterr().out
