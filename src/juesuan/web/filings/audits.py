"""审查公开报告 in the browser: ``juesuan audit`` as a background job.

A reviewer uploads published reports (or one ZIP of them), or — for the whole region — asks for
the region's published documents read back: the job :func:`audit_job` audits them one by one
with :func:`juesuan.audit.batch.audit_many` and keeps each report's HTML audit under
DATA_DIR/audits/<job id>/. Only the job's owner (or a superuser) sees its results, as its job
page. The upload is checked in the request (sizes, the ZIP's directory: entry count, declared
sizes, no ``..``), so a bad file is refused at once with a Chinese message; nothing is unpacked
before the job, which checks again while it unpacks.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import logging
import os
import re
import secrets
import tempfile
import uuid
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from juesuan.audit.batch import REPORT_SUFFIXES, AuditOutcome, audit_many
from juesuan.limits import AUDIT_MAX_REPORTS, AUDIT_ZIP_MAX_ENTRIES, UPLOAD_MAX_UNZIPPED
from juesuan.web.filings import services
from juesuan.web.filings.imports import display_name
from juesuan.web.filings.models import FilingRecord, FilingVersion
from juesuan.web.filings.views import DOCUMENT_POLICY, _scope
from juesuan.web.jobs.api import submit
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import JobError, Progress
from juesuan.web.orgs.models import grants_of
from juesuan.web.workflow import Role

logger = logging.getLogger(__name__)

INTERNAL = "审查此报告时发生内部错误（已记入服务日志）。这不是您的文件的问题，请联系系统管理员。"

KIND = "audit_reports"
ZIP = ".zip"
ACCEPTED = "、".join(s.lstrip(".").upper() for s in REPORT_SUFFIXES)
REVIEWERS = frozenset({Role.DEPARTMENT_REVIEWER, Role.FINANCE_REVIEWER, Role.ADMIN})


class AuditUploadError(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def _uploads_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _results_folder(job: Job) -> Path:
    return Path(settings.DATA_DIR) / "audits" / str(job.pk)


def _write_atomic(path: Path, data: bytes) -> None:
    """Whole or not at all: a reader never sees half a file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the ZIP of reports: checked from its directory, unpacked with bounds -------------------------


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its maker wrote it: Chinese Windows tools write GBK without the UTF-8
    flag, which Python reads as cp437."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return name


def zip_reports(name: str, data: bytes) -> list[zipfile.ZipInfo]:
    """The report files of an uploaded ZIP, from its directory (nothing unpacked); any entry
    that could escape a folder, too many entries or too much unpacked refuse the whole file."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise AuditUploadError([f"{name}：不是有效的 ZIP 压缩包，未审查"]) from None
    if len(infos) > AUDIT_ZIP_MAX_ENTRIES:
        raise AuditUploadError([f"{name}：压缩包中有 {len(infos)} 个条目，超过上限 {AUDIT_ZIP_MAX_ENTRIES} 个，"
                                "未解压、未审查。请分批上传"])
    reports, total = [], 0
    for info in infos:
        path = info.filename.replace("\\", "/")
        parts = path.split("/")
        if path.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", path):
            raise AuditUploadError([f"{name}：压缩包中的“{display_name(_member_name(info))}”的路径含“..”或是绝对路径，"
                                    "出于安全考虑未解压、未审查。请重新打包后上传"])
        leaf = parts[-1]
        if info.is_dir() or not leaf or leaf.startswith(".") or parts[0] == "__MACOSX":
            continue
        if PurePosixPath(leaf).suffix.lower() not in REPORT_SUFFIXES:
            continue
        if info.flag_bits & 0x1:
            raise AuditUploadError([f"{name}：压缩包中的“{display_name(_member_name(info))}”已加密，无法读取，未审查"])
        total += info.file_size
        if total > UPLOAD_MAX_UNZIPPED:
            raise AuditUploadError([f"{name}：压缩包中的报告解压后超过 {UPLOAD_MAX_UNZIPPED // 1048576} MB，"
                                    "未解压、未审查。请分批上传"])
        reports.append(info)
    return reports


def _unpack(name: str, data: bytes, folder: Path, first: int) -> list[tuple[str, Path]]:
    """The ZIP's reports written into ``folder`` as ``<n><suffix>`` (never under their own
    names), each read no further than its declared size."""
    found: list[tuple[str, Path]] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        for n, info in enumerate(zip_reports(name, data), first):
            with archive.open(info) as member:
                content = member.read(info.file_size + 1)
            if len(content) > info.file_size:
                raise AuditUploadError([f"{name}：压缩包中的“{display_name(_member_name(info))}”与其声明的大小不符，未审查"])
            target = folder / f"{n:04d}{PurePosixPath(info.filename).suffix.lower()}"
            target.write_bytes(content)
            found.append((f"{name} › {display_name(_member_name(info))}", target))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
        raise AuditUploadError([f"{name}：压缩包已损坏或使用了不支持的压缩方式（{type(exc).__name__}），未审查"]) from None
    return found


# --- the upload page --------------------------------------------------------------------------------


def _reviewer(request: HttpRequest) -> None:
    if not {g.role for g in grants_of(request.user)} & REVIEWERS:
        raise PermissionDenied("审查公开报告供部门审核、财政审核人员使用，您没有审核权限")


def _checked(files: list[UploadedFile]) -> list[tuple[str, bytes]]:
    """The uploaded files (name, content), each a report or a ZIP of reports, within the limits."""
    if not files:
        raise AuditUploadError([f"请选择要审查的公开报告（{ACCEPTED}，或装有这些报告的 ZIP 压缩包）。"])
    limit = int(settings.UPLOAD_LIMIT)
    problems: list[str] = []
    kept: list[tuple[str, bytes]] = []
    count = 0
    for file in files:
        name = display_name(file.name)
        suffix = PurePosixPath(name).suffix.lower()
        if suffix not in (*REPORT_SUFFIXES, ZIP):
            problems.append(f"{name}：不是可审查的公开报告（应为 {ACCEPTED} 文件，或 ZIP 压缩包），未审查")
            continue
        data = file.read(limit + 1) if (file.size or 0) <= limit else None
        if data is None or len(data) > limit:
            problems.append(f"{name}：文件超过上限 {limit // 1048576} MB，未审查")
            continue
        try:
            count += len(zip_reports(name, data)) if suffix == ZIP else 1
        except AuditUploadError as exc:
            problems.extend(exc.messages)
            continue
        kept.append((name, data))
    if not problems and count == 0:
        problems.append(f"压缩包中没有公开报告（{ACCEPTED}），未审查")
    if count > AUDIT_MAX_REPORTS:
        problems.append(f"共 {count} 份报告，超过一次审查的上限 {AUDIT_MAX_REPORTS} 份，未审查。请分批上传")
    if problems:
        raise AuditUploadError(problems)
    return kept


def _keep(data: bytes) -> str:
    """The upload kept in DATA_DIR/uploads under a random name (deleted when the job ends)."""
    stored = secrets.token_hex(16) + ".upload"
    _write_atomic(_uploads_folder() / stored, data)
    return stored


def _started(job: Job) -> HttpResponse:
    if job.state == Job.DONE and job.next_url:
        return redirect(job.next_url)
    return redirect("job", pk=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """审查公开报告: one or more reports (or a ZIP), audited by a background job."""
    _reviewer(request)
    context: dict[str, Any] = {"accepted": ACCEPTED, "accept": ",".join((*REPORT_SUFFIXES, ZIP)),
                               "limit_mb": int(settings.UPLOAD_LIMIT) // 1048576, "max_reports": AUDIT_MAX_REPORTS}
    if request.method != "POST":
        return render(request, "desk/audit.html", context)
    try:
        files = _checked(request.FILES.getlist("files"))
    except AuditUploadError as exc:
        context["problems"] = exc.messages
        return render(request, "desk/audit.html", context, status=400)
    digest = hashlib.sha256(f"{request.user.pk}".encode())
    for name, data in files:
        digest.update(hashlib.sha256(name.encode() + b"\0" + data).digest())
    stored = [_keep(data) for _, data in files]
    params = {"source": "upload", "names": [name for name, _ in files], "uploads": stored,
              "back": reverse("audit-reports")}
    job = submit(KIND, f"{KIND}:{digest.hexdigest()}", params, owner=request.user)
    if job.params.get("uploads") != stored:  # an identical request's job: it has its own copies
        for name in stored:
            (_uploads_folder() / name).unlink(missing_ok=True)
    return _started(job)


@login_required
@require_POST
def region_audit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """审查本区划已公开的报告: every published record's published version, its PDF read back."""
    scope = _scope(request, code, year)
    if scope.departments is not None:
        raise PermissionDenied("审查本区划已公开的报告供财政审核人员使用")
    records = list(FilingRecord.objects.filter(year=year, unit__department__region=scope.region,
                                               published__isnull=False)
                   .order_by("unit__department__code", "unit__code").values_list("published_id", flat=True))
    if not records:
        messages.info(request, f"{scope.region.name} {year} 年度还没有已公开的报告。")
        return redirect("region-overview", code, year)
    versions = records[:AUDIT_MAX_REPORTS]
    key = hashlib.sha256(f"{request.user.pk}|{code}|{year}|{versions}".encode()).hexdigest()
    job = submit(KIND, f"{KIND}:region:{key}", {
        "source": "region", "region": code, "region_name": scope.region.name, "year": year, "versions": versions, "published": len(records),
        "back": reverse("region-overview", args=[code, year])}, owner=request.user)
    return _started(job)


# --- the job --------------------------------------------------------------------------------------


def _uploaded(job: Job, folder: Path, progress: Progress) -> list[tuple[str, Path]]:
    names = [str(n) for n in job.params.get("names", [])]
    stored = [str(s) for s in job.params.get("uploads", [])]
    reports: list[tuple[str, Path]] = []
    for name, kept in zip(names, stored, strict=True):
        try:
            data = (Path(settings.DATA_DIR) / "uploads" / kept).read_bytes()
        except FileNotFoundError:
            raise JobError(["上传的文件已不在服务器上（可能已处理过），未审查。请重新上传。"]) from None
        progress(2, f"正在读取 {name}")
        if PurePosixPath(name).suffix.lower() == ZIP:
            try:
                reports.extend(_unpack(name, data, folder, len(reports) + 1))
            except AuditUploadError as exc:
                raise JobError(exc.messages) from None
        else:
            target = folder / f"{len(reports) + 1:04d}{PurePosixPath(name).suffix.lower()}"
            target.write_bytes(data)
            reports.append((name, target))
    if len(reports) > AUDIT_MAX_REPORTS:
        raise JobError([f"共 {len(reports)} 份报告，超过一次审查的上限 {AUDIT_MAX_REPORTS} 份，未审查。请分批上传"])
    return reports


def _published(job: Job, folder: Path, progress: Progress,
               failed: list[AuditOutcome]) -> list[tuple[str, Path]]:
    """Each published version's PDF, from the render cache or rendered now; one that cannot be
    rendered becomes an outcome saying so."""
    pks = [int(pk) for pk in job.params.get("versions", [])]
    found = {v.pk: v for v in FilingVersion.objects.filter(pk__in=pks).select_related("record__unit")}
    reports: list[tuple[str, Path]] = []
    for number, pk in enumerate(pks, 1):
        version = found.get(pk)
        if version is None:
            continue  # deleted since: nothing to read back
        name = f"{version.record.unit.name}{version.record.year}年度部门决算（第{version.number}版）.pdf"
        progress(5 + 45 * (number - 1) // len(pks), f"正在取得 {name}（{number}/{len(pks)}）")
        try:
            data = services.rendered(version, "pdf")
        except Exception:
            logger.exception("rendering version %s for an audit failed", pk)
            failed.append(AuditOutcome(name, error="未能生成此报告的 PDF（内部错误，已记入服务日志）", internal=True))
            continue
        target = folder / f"{number:04d}.pdf"
        target.write_bytes(data)
        reports.append((name, target))
    return reports


def _named(outcome: AuditOutcome, name: str) -> AuditOutcome:
    """The outcome under the uploaded name: the server's path is in no message."""
    error = outcome.error.replace(outcome.file, name) if outcome.error else None
    return dataclasses.replace(outcome, file=name, error=error, traceback=None)


def audit_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The ``audit_reports`` job: the reports audited as ``juesuan audit`` does (one process:
    the worker is the parallelism), each one's HTML audit kept, the counts in the result."""
    from juesuan.audit.html import audit_html
    from juesuan.performance.scheme import bundled_schemes

    params = job.params
    region = params.get("source") == "region"
    failed: list[AuditOutcome] = []
    with tempfile.TemporaryDirectory(prefix=".audit.", dir=_uploads_folder()) as tmp:
        folder = Path(tmp)
        reports = _published(job, folder, progress, failed) if region else _uploaded(job, folder, progress)
        names = {str(path): name for name, path in reports}
        start = 50 if region else 10
        done = 0

        def advance(outcome: AuditOutcome) -> None:
            nonlocal done
            done += 1
            progress(start + (95 - start) * done // max(len(reports), 1),
                     f"已审查 {names.get(outcome.file, '')}（{done}/{len(reports)}）")

        outcomes = audit_many([path for _, path in reports], workers=1, progress=advance,
                              schemes=bundled_schemes())
    out = _results_folder(job)
    for o in outcomes:
        if o.internal:  # a bug in juesuan met on this report: for the service log, not the page
            logger.error("auditing %s (job %s) failed:\n%s", names.get(o.file, o.file), job.pk, o.traceback)
    # The command line's words for an internal error name its --debug option: not here.
    outcomes = [dataclasses.replace(o, error=INTERNAL, traceback=None) if o.internal else o for o in outcomes]
    named = [*(_named(o, names.get(o.file, "")) for o in outcomes), *failed]
    entries: list[dict[str, Any]] = []
    for n, outcome in enumerate(named, 1):
        _write_atomic(out / f"{n}.html", audit_html([outcome]).encode("utf-8"))
        entries.append({"n": n, "name": outcome.file, "department": outcome.department, "year": outcome.year,
                        "counts": outcome.summary, "problem": outcome.error})
    failing = sum(1 for o in named if o.has_errors)
    unread = sum(1 for o in named if o.error)
    if region:
        title = f"{params.get('region_name', '')} {params.get('year', '')} 年度已公开的报告"
        skipped = int(params.get("published", 0)) - len(params.get("versions", []))
    else:
        title, skipped = "上传的公开报告", 0
    message = f"已审查 {len(entries)} 份公开报告：{failing} 份有错误" + (f"，{unread} 份未能读取" if unread else "") + "。"
    if skipped > 0:
        message += f"另有 {skipped} 份超出一次审查的上限 {AUDIT_MAX_REPORTS} 份，未审查。"
    job.next_url = reverse("audit-result", args=[job.pk])
    return {"title": title, "reports": entries, "message": message, "skipped": max(skipped, 0)}


# --- the results --------------------------------------------------------------------------------------


def _own_job(request: HttpRequest, pk: uuid.UUID) -> Job:
    """The user's own audit job (a superuser sees every one); 404 for anyone else's."""
    job = Job.objects.filter(pk=pk, kind=KIND).first()
    user = request.user
    if job is None or not (user.is_superuser or (job.owner_id is not None and job.owner_id == user.pk)):
        raise Http404("没有这个审查结果。")
    return job


def _entries(job: Job) -> list[dict[str, Any]]:
    result = job.result if isinstance(job.result, dict) else {}
    return [e for e in result.get("reports", []) if isinstance(e, dict)]


@login_required
@require_GET
def result(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = _own_job(request, pk)
    if job.state != Job.DONE:
        return redirect("job", pk=job.pk)  # progress, or why it failed
    result = job.result if isinstance(job.result, dict) else {}
    entries = _entries(job)
    region = job.params.get("source") == "region" if isinstance(job.params, dict) else False
    return render(request, "desk/audit_result.html", {
        "job": job, "title": result.get("title", "公开报告审查"), "entries": entries, "region": region,
        "params": job.params, "failing": sum(1 for e in entries if e.get("counts", {}).get("error")),
        "skipped": result.get("skipped", 0),
    })


@login_required
@require_GET
def report_html(request: HttpRequest, pk: uuid.UUID, n: int) -> HttpResponse:
    """One report's HTML audit, in a sandbox of its own (as the review HTML): it quotes the
    report, which is the uploader's text."""
    job = _own_job(request, pk)
    if job.state != Job.DONE or not any(e.get("n") == n for e in _entries(job)):
        raise Http404("没有这份审查结果。")
    try:
        data = (_results_folder(job) / f"{n}.html").read_bytes()
    except FileNotFoundError:
        raise Http404("这份审查结果已不在服务器上，请重新审查。") from None
    response = HttpResponse(data, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = DOCUMENT_POLICY + "; sandbox allow-scripts allow-popups"
    response["Cache-Control"] = "private, no-store"
    return response
