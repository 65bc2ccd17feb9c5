"""The job page (progress, refreshed by htmx every second; on to ``next_url`` when done) and
the same as JSON. Only the job's owner (or a superuser) sees a job: anyone else gets 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from juesuan.web.jobs.api import expire_if_stale
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import label_of


def _job(request: HttpRequest, pk: uuid.UUID) -> Job:
    job = Job.objects.select_related("record").filter(pk=pk).first()
    user = request.user
    if job is None or not (user.is_superuser or (job.owner_id is not None and job.owner_id == user.pk)):
        raise Http404("没有这个任务。")
    return expire_if_stale(job)


def _safe_next(job: Job) -> str:
    """Only a path on this site (set by our handlers; checked all the same)."""
    url = job.next_url
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else ""


def as_data(job: Job) -> dict[str, Any]:
    done = job.state == Job.DONE
    return {"id": str(job.pk), "kind": job.kind, "label": label_of(job.kind), "state": job.state,
            "state_label": job.get_state_display(), "progress": job.progress, "message": job.message,
            "error": job.error, "next_url": _safe_next(job) if done else "",
            "created": job.created.isoformat(), "started": job.started.isoformat() if job.started else None,
            "finished": job.finished.isoformat() if job.finished else None}


@require_GET
@login_required
def page(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = _job(request, pk)
    target = _safe_next(job) if job.state == Job.DONE else ""
    htmx = bool(getattr(request, "htmx", False))
    if target and isinstance(job.result, dict) and job.result.get("message"):
        # What was done, said on the page the job leads to (once: the job is left behind).
        messages.success(request, str(job.result["message"]))
    if target and htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target  # htmx leaves the page for the result
        return response
    if target:
        return redirect(target)
    context = {"job": job, "label": label_of(job.kind), "back": job.params.get("back", "")
               if isinstance(job.params, dict) else ""}
    response = render(request, "jobs/_status.html" if htmx else "jobs/job.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def data(request: HttpRequest, pk: uuid.UUID) -> JsonResponse:
    response = JsonResponse(as_data(_job(request, pk)), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
