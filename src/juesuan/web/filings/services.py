"""Operations on filings in the database: the imperative shell the views and the API call.

Every change goes through here, so versions stay immutable, concurrent edits are detected,
workflow rules hold and each action lands in the audit log. Pure work (validation, checks,
documents) is delegated to the core.
"""

from __future__ import annotations

import hashlib
import json
import logging
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol

from django.core.cache import cache
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

import juesuan
from juesuan.assess import check_all
from juesuan.content import Document
from juesuan.document.build import build_document
from juesuan.filing.io import filing_from_data, filing_to_data, parse_json
from juesuan.filing.model import Filing
from juesuan.money import printable
from juesuan.performance.scheme import Scheme
from juesuan.rules.finding import Finding
from juesuan.web import notify
from juesuan.web.filings import findings as finding_items
from juesuan.web.filings.models import (
    AuditEvent,
    Consolidated,
    FilingRecord,
    FilingVersion,
    FindingNote,
    WorkflowStep,
)
from juesuan.web.jobs.api import submit
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import JobError, Progress
from juesuan.web.orgs.models import Membership, Unit
from juesuan.web.workflow import TRANSITIONS, Action, Role, State, WorkflowError, next_state


class EditConflict(Exception):
    """Someone saved a newer version since the editor opened the form."""

    def __init__(self, current: FilingVersion, base: int | None) -> None:
        self.current = current
        self.base = base
        who = current.author.get_username() if current.author else "他人"
        when = timezone.localtime(current.created_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(f"此填报已由 {who} 于 {when} 保存为第 {current.number} 版（您编辑的是第 {base} 版）。"
                         "为避免覆盖他人的修改，本次未保存；请查看差异后在最新版本上重新编辑。")


class SaveBusy(EditConflict):
    """The database stayed locked by another save longer than it waits (SQLite's busy timeout):
    nothing was saved; like a conflict, the user keeps the form and tries again."""

    def __init__(self, current: FilingVersion, base: int | None) -> None:
        Exception.__init__(self, "此填报正在由他人保存，数据库暂时繁忙，本次未保存。"
                                 "请稍后再试；如果他人保存了新版本，请查看差异后在最新版本上重新编辑。")
        self.current = current
        self.base = base


class NotEditable(Exception):
    pass


def canonical(filing: Filing) -> str:
    """The stored form of a filing: JSON with amounts as decimal strings."""
    return json.dumps(filing_to_data(filing), ensure_ascii=False, separators=(",", ":"))


def version_data(version: FilingVersion) -> Any:
    return parse_json(version.content)


@lru_cache(maxsize=256)
def _filing(digest: str, content: str) -> Filing:
    return filing_from_data(parse_json(content), "数据库")


def filing_of(version: FilingVersion) -> Filing:
    """The validated filing of a version (cached: versions never change)."""
    return _filing(version.digest, version.content)


@lru_cache(maxsize=16)
def _bundled(name: str) -> Scheme:
    from juesuan.performance.scheme import load_scheme

    return load_scheme(name)


def scheme_of(filing: Filing) -> Scheme | None:
    """The scheme that scores the filing's self-evaluations on the server: a bundled one, never
    a file (the command line also reads a scheme from a file path; a web user must not name
    files). ``None`` when the filing names none or one that is not bundled: saves refuse such a
    name (:func:`scheme_problem`), and for data that reached the database another way the
    pages say so with :func:`scheme_problem` instead of dropping the 自评表 silently."""
    from juesuan.performance.scheme import bundled_names

    name = filing.performance.scheme if filing.performance is not None else None
    if name is None or name not in bundled_names():
        return None
    return _bundled(name)


def scheme_problem(filing: Filing) -> str | None:
    """Why the filing's self-evaluations cannot be scored here, naming the bundled schemes; or
    ``None``."""
    from juesuan.performance.scheme import bundled_names

    name = filing.performance.scheme if filing.performance is not None else None
    names = bundled_names()
    if name is None or name in names:
        return None
    return (f"评分办法“{printable(name[:60])}”不是内置评分办法，绩效自评未计分，文档中没有绩效自评表和绩效检查结果；"
            f"评分办法应为：{'、'.join(names)}（绩效自评 › 评分办法）")


def check(filing: Filing) -> list[Finding]:
    """Every finding on a filing, as ``juesuan check`` and the document give them."""
    return check_all(filing, scheme=scheme_of(filing))


@lru_cache(maxsize=64)
def _document(digest: str, content: str) -> Document:
    filing = _filing(digest, content)
    return build_document(filing, scheme=scheme_of(filing))


class Stored(Protocol):
    """Filing content as kept: a version, or a stored 汇总."""

    digest: str
    content: str


def document_of(version: Stored) -> Document:
    return _document(version.digest, version.content)


def findings_of(version: FilingVersion) -> list[Finding]:
    """The findings of a version: those of its document, which are :func:`check`'s."""
    return list(document_of(version).findings)


def _path_words(year: int, data: Any) -> finding_items.Words:
    """A field path as the checks write it (rows by index) in words, read against the data."""
    from juesuan.web.filings.words import describe_path

    return lambda path: describe_path(path, year, data)


@lru_cache(maxsize=64)
def _items(digest: str, content: str) -> tuple[finding_items.Item, ...]:
    filing = _filing(digest, content)
    data = parse_json(content)
    return tuple(finding_items.items_of(_document(digest, content), data,
                                        _path_words(filing.year, data)))


def items_of(version: FilingVersion) -> list[finding_items.Item]:
    """The version's findings and 【待填写】 places in words (:mod:`.findings`)."""
    return list(_items(version.digest, version.content))


def live_items(filing: Filing) -> list[finding_items.Item]:
    """The findings of an unsaved filing in words (the editor's live check: no document)."""
    from juesuan.tables.build import build_tables

    tables = build_tables(filing).tables
    data = filing_to_data(filing)
    return finding_items.items_from(check(filing), (), tables, {}, data, _path_words(filing.year, data))


def notes_of(record: FilingRecord) -> dict[str, str]:
    """The unit's 出错说明 of the record's findings, by finding key."""
    return dict(FindingNote.objects.filter(record=record).values_list("key", "text"))


MAX_NOTE_CHARS = 1000


def explain(record: FilingRecord, key: str, text: str, user: Any, *,
            request: HttpRequest | None = None) -> None:
    """Write (or, with an empty text, remove) the 出错说明 of one finding of the current version.

    Raises :class:`NotEditable` unless the filing can be edited (an explanation goes with what
    is reported), WorkflowError for a key the current version does not have."""
    text = text.strip()
    if len(text) > MAX_NOTE_CHARS:
        raise WorkflowError(f"出错说明不超过 {MAX_NOTE_CHARS} 字，实际 {len(text)} 字")
    with transaction.atomic():
        locked, current = _lock(record)
        if State(locked.state) not in (State.DRAFT, State.RETURNED):
            raise NotEditable(f"当前状态为{locked.state_label}，不能修改出错说明")
        if current is None or key not in {i.key for i in items_of(current)}:
            raise WorkflowError("当前版本没有这条检查结果（可能已改正或已有新版本），未保存说明")
        if text:
            FindingNote.objects.update_or_create(
                record=locked, key=key,
                defaults={"text": text, "author": user, "version": current.number})
        else:
            FindingNote.objects.filter(record=locked, key=key).delete()
        log(request, "explain", locked, user=user, version=current.number, key=key, text=text)


def refusal(action: Action, items: list[finding_items.Item], notes: dict[str, str]) -> str | None:
    """Why ``action`` may not be taken on a version with these items, or ``None``."""
    if action is Action.SUBMIT:
        left = finding_items.unexplained(items, notes)
        if left:
            counts = finding_items.counts(left)
            return (f"还有 {counts['error']} 条错误、{counts[finding_items.GAP]} 处【待填写】"
                    "没有出错说明：请改正，或在检查结果中逐条填写出错说明后再上报")
    if action is Action.PUBLISH:
        left = finding_items.blocking(items)
        if left:
            counts = finding_items.counts(left)
            return (f"还有 {counts['error']} 条错误、{counts[finding_items.GAP]} 处【待填写】：有错误或"
                    "待填写内容的文档不能公开，请退回单位改正")
    return None


def _render_key(version: Stored, fmt: str) -> str:
    return f"juesuan:render:{version.digest}:{fmt}"


def rendered(version: Stored, fmt: str) -> bytes:
    """One format of a version's document; cached on disk because versions are immutable.
    Renders when not cached: for background jobs and quick formats; a request asks
    :func:`render_later` for one that is not ready."""
    from juesuan.publish import render

    data = cached_render(version, fmt)
    if data is None:
        data = render(document_of(version), fmt)
        cache.set(_render_key(version, fmt), data, timeout=None)
    return data


def cached_render(version: Stored, fmt: str) -> bytes | None:
    data: bytes | None = cache.get(_render_key(version, fmt))
    return data


def render_later(stored: FilingVersion | Consolidated, fmt: str, *, owner: Any = None,
                 next_url: str = "") -> Job:
    """The background job rendering ``fmt`` of a version's (or a stored 汇总's) document into
    the cache: a document takes seconds and never holds a web worker. Identical requests (the
    same content, format and user; anonymous visitors all one) share one job."""
    who = getattr(owner, "pk", None)
    version = stored if isinstance(stored, FilingVersion) else None
    params: dict[str, Any] = {"version": stored.pk} if version else {"consolidated": stored.pk}
    return submit("render_version", f"render:{stored.digest}:{fmt}:{who or '-'}", {**params, "formats": [fmt]},
                  owner=owner, record=version.record if version else None, next_url=next_url)


def ready(version: FilingVersion, fmt: str) -> bool:
    """Whether ``fmt`` of ``version`` is rendered; if not, its job is asked for (or joined) for
    the public. In the test settings jobs run at once, so it is ready when this returns."""
    if cached_render(version, fmt) is not None:
        return True
    job = render_later(version, fmt)
    return job.state == Job.DONE and cached_render(version, fmt) is not None


def render_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The ``render_version`` job: the document in the formats asked, into the cache."""
    params = job.params
    stored: FilingVersion | Consolidated | None = (
        FilingVersion.objects.filter(pk=params["version"]).first() if "version" in params
        else Consolidated.objects.filter(pk=params.get("consolidated")).first())
    if stored is None:
        raise JobError(["要生成文档的填报版本或汇总已不存在。"])
    formats = [str(f) for f in params.get("formats", [])]
    for number, fmt in enumerate(formats, 1):
        rendered(stored, fmt)
        progress(100 * number // len(formats), f"已生成 {fmt.upper()}")
    return {"formats": formats}


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from juesuan.web.clientip import client_ip as address

    return address(request)


def log(request: HttpRequest | None, action: str, record: FilingRecord | None = None,
        user: Any = None, **detail: Any) -> None:
    actor = user if user is not None else (getattr(request, "user", None) if request else None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    AuditEvent.objects.create(actor=actor, action=action, record=record, detail=_plain(detail),
                              ip=client_ip(request))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _digest(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


# An audit event written in the same transaction as the change it describes: its action and
# detail (``version`` is added).
Event = tuple[str, dict[str, Any]]


def _busy(exc: OperationalError) -> bool:
    """A lock another transaction held too long: SQLite's "database is locked" after its busy
    timeout ("database table is locked" with a shared cache); PostgreSQL's lock timeout (when
    the server sets one) or a deadlock."""
    text = str(exc).lower()
    return any(words in text for words in ("is locked", "lock timeout", "deadlock detected"))


@transaction.atomic
def create_record(unit: Unit, year: int, filing: Filing, user: Any, *, source: str = "form",
                  note: str = "", request: HttpRequest | None = None,
                  event: Event | None = None) -> FilingRecord:
    """A new record with its first version, the "create" audit event and ``event`` (e.g. the
    import it came from), all in one transaction."""
    record = FilingRecord.objects.create(unit=unit, year=year)
    version = _new_version(record, None, filing, user, source=source, note=note or "新建")
    log(request, "create", record, user=user, year=year, source=source)
    if event is not None:
        log(request, event[0], record, user=user, **{**event[1], "version": version.number})
    return record


def _new_version(record: FilingRecord, current: FilingVersion | None, filing: Filing, user: Any, *,
                 source: str, note: str) -> FilingVersion:
    content = canonical(filing)
    number = (current.number + 1) if current else 1
    version = FilingVersion.objects.create(record=record, number=number, content=content,
                                           digest=_digest(content), author=user, source=source, note=note[:500])
    record.current = version
    record.save(update_fields=["current", "updated_at"])
    return version


def _lock(record: FilingRecord) -> tuple[FilingRecord, FilingVersion | None]:
    """The record's row, locked until the transaction ends, and its current version.

    The version is read by a query of its own once the lock is held. Read in the same query
    (a join), PostgreSQL would take it from the snapshot of before the lock wait: a version
    another transaction wrote meanwhile would be missing, the save would reuse its number and the
    step would be taken on a version nobody saw."""
    locked = FilingRecord.objects.select_for_update().order_by().get(pk=record.pk)
    current = None
    if locked.current_id is not None:
        current = FilingVersion.objects.select_related("author").get(pk=locked.current_id)
    return locked, current


def _current(record: FilingRecord) -> FilingVersion | None:
    """The newest version as committed now (after a failed transaction)."""
    return FilingVersion.objects.select_related("author").filter(record_id=record.pk).order_by("-number").first()


def save_version(record: FilingRecord, filing: Filing, user: Any, *, base: int | None, source: str = "form",
                 note: str = "", request: HttpRequest | None = None,
                 event: Event | None = None) -> tuple[FilingVersion, bool]:
    """Save ``filing`` as the next version unless someone saved since ``base``.

    Returns the current version and whether a new one was written (an unchanged filing
    writes nothing). The version, its "save" audit event and ``event`` (given ``version`` and
    ``created``; written even when nothing changed) are written in one transaction. Raises
    :class:`EditConflict` (:class:`SaveBusy` when the database stayed locked) or
    :class:`NotEditable`.
    """
    attempted: int | None = None
    try:
        with transaction.atomic():
            locked, current = _lock(record)
            if State(locked.state) not in (State.DRAFT, State.RETURNED):
                raise NotEditable(f"当前状态为{locked.state_label}，不能修改；"
                                  + ("请先“修订”。" if locked.state == State.PUBLISHED else "请等待审核或撤回。"))
            if current is not None and base is not None and current.number != base:
                raise EditConflict(current, base)
            content = canonical(filing)
            if current is not None and current.digest == _digest(content):
                if event is not None:
                    log(request, event[0], locked, user=user, **{**event[1], "version": current.number,
                                                                 "created": False})
                return current, False
            attempted = (current.number + 1) if current else 1
            version = _new_version(locked, current, filing, user, source=source, note=note)
            log(request, "save", locked, user=user, version=version.number, source=source)
            if event is not None:
                log(request, event[0], locked, user=user, **{**event[1], "version": version.number,
                                                             "created": True})
    except IntegrityError as exc:
        # The last line: the lock should make this impossible, but a version number taken by
        # another save is a conflict for the user, never a server error.
        newest = _current(record)
        if attempted is None or newest is None or newest.number < attempted:
            raise
        raise EditConflict(newest, base if base is not None else attempted - 1) from exc
    except OperationalError as exc:
        newest = _current(record) if _busy(exc) else None
        if newest is None:
            raise
        raise SaveBusy(newest, base) from exc
    record.refresh_from_db()
    return version, True


def transition(record: FilingRecord, action: Action, user: Any, *, comment: str = "",
               request: HttpRequest | None = None, seen: int | None = None,
               checks: bool = True) -> WorkflowStep:
    """Take a workflow step (permission is checked by the caller) on the current version, which
    the step and its audit event record. Raises WorkflowError, also when ``seen`` (the version
    the user was shown) is no longer the current version, and (unless ``checks`` is off, as
    for the bundled examples, published as their original reports were) when :func:`refusal`
    refuses the step: an unexplained error or 【待填写】 for 上报, any for 公开.

    放弃修订 writes the published version's content as a new version (versions never change
    and numbers only grow) and returns the filing to 已公开."""
    if checks and action in (Action.SUBMIT, Action.PUBLISH) and record.current is not None:
        # Build the document before the row lock is taken (seconds for a large filing): the
        # check under the lock then reads it from the cache, unless a save got in meanwhile.
        items_of(record.current)
    try:
        with transaction.atomic():
            locked, current = _lock(record)
            if current is None:
                raise WorkflowError(f"此填报还没有保存任何版本，未{TRANSITIONS[action].label}。")
            if seen is not None and current.number != seen:
                raise WorkflowError(f"此填报已更新为第 {current.number} 版（您看到的是第 {seen} 版），"
                                    f"未{TRANSITIONS[action].label}；请查看最新版本后再操作。")
            before = State(locked.state)
            after = next_state(before, action, comment=comment)
            if checks:
                refused = refusal(action, items_of(current), notes_of(locked))
                if refused:
                    raise WorkflowError(refused)
            fields = ["state", "updated_at"]
            if action is Action.ABANDON:
                if locked.published_id is None:
                    raise WorkflowError("此填报还没有公开过，没有可放弃的修订")
                published = FilingVersion.objects.get(pk=locked.published_id)
                if published.digest != current.digest:
                    current = _new_version(locked, current, filing_of(published), user,
                                           source="restore",
                                           note=f"放弃修订，恢复为公开的第 {published.number} 版")
            locked.state = after.value
            if action is Action.PUBLISH:
                locked.published = current
                locked.published_at = timezone.now()
                fields += ["published", "published_at"]
            locked.save(update_fields=fields)
            step = WorkflowStep.objects.create(record=locked, version=current, action=action.value,
                                               from_state=before.value, to_state=after.value, actor=user,
                                               comment=comment.strip())
            log(request, action.value, locked, user=user, version=current.number, comment=comment.strip())
            if notify.audience(action):
                # Told only once the step is saved; a mail that fails never undoes it.
                transaction.on_commit(lambda: send_notices(step.pk))
            # The department's and the region's 汇总 follow the filings that count in them: jobs,
            # submitted once the step is saved (named, not imported: that module builds on this one).
            transaction.on_commit(lambda: import_string("juesuan.web.filings.consolidated.after_step")(
                locked, before, after))
            if action is Action.PUBLISH:
                # The page and every download written as files by a background job, not by the
                # request nor by the first visitors (the portal renders nothing meanwhile).
                transaction.on_commit(lambda: submit(
                    "publish", f"publish:{locked.pk}:{current.pk}", {"record": locked.pk}, record=locked))
            # The counts and figures the region overview shows, worked out off the request.
            transaction.on_commit(lambda: submit(
                "summarise", f"summary:{current.pk}:{juesuan.__version__}", {"version": current.pk},
                record=locked))
    except OperationalError as exc:
        if not _busy(exc):
            raise
        raise WorkflowError(f"此填报正在由他人处理，数据库暂时繁忙，未{TRANSITIONS[action].label}；"
                            "请稍后再试。") from exc
    record.refresh_from_db()
    return step


def restore(record: FilingRecord, number: int, user: Any, *, base: int | None,
            request: HttpRequest | None = None) -> tuple[FilingVersion, bool]:
    """Save version ``number``'s content as the next version (a version saved since ``base``
    is a conflict, as for any save). Raises what :func:`save_version` raises, and
    FilingVersion.DoesNotExist."""
    old = FilingVersion.objects.get(record=record, number=number)
    return save_version(record, filing_of(old), user, base=base, source="restore",
                        note=f"恢复第 {number} 版", request=request,
                        event=("restore", {"from": number}))


logger = logging.getLogger("juesuan.web.notify")


def recipients(record: FilingRecord, roles: tuple[Role, ...]) -> list[str]:
    """The e-mail addresses of the active users holding one of ``roles`` for the record: the
    unit's editors, the department's reviewers, the region's finance reviewers."""
    unit = record.unit
    scopes = {Role.UNIT_EDITOR: Q(unit_id=unit.pk),
              Role.DEPARTMENT_REVIEWER: Q(department_id=unit.department_id),
              Role.FINANCE_REVIEWER: Q(region_id=unit.department.region_id)}
    wanted = Q(pk__in=[])
    for role in roles:
        wanted |= Q(role=role.value) & scopes[role]
    addresses = (Membership.objects.filter(wanted, user__is_active=True).exclude(user__email="")
                 .values_list("user__email", flat=True))
    seen: dict[str, str] = {}
    for address in addresses:
        seen.setdefault(address.strip().lower(), address.strip())
    return sorted(seen.values())


def notice_of(step: WorkflowStep) -> notify.Notice | None:
    from django.conf import settings
    from django.urls import reverse

    record = step.record
    actor = step.actor
    name = (actor.get_full_name() or actor.get_username()) if actor is not None else "系统"
    site = str(getattr(settings, "JUESUAN_SITE_URL", "http://localhost:8000")).rstrip("/")
    return notify.compose(notify.Step(
        action=Action(step.action), unit=record.unit.name, department=record.unit.department.name,
        year=record.year, version=step.version.number, actor=name, comment=step.comment,
        url=site + reverse("filing", args=[record.pk])))


def send_notices(step_pk: int) -> int:
    """Send the e-mails of a workflow step, one to each recipient (no one sees the others'
    addresses). Returns how many were sent. Never raises: a failure is logged, the step stays."""
    from django.core.mail import EmailMessage, get_connection

    sent = 0
    try:
        step = WorkflowStep.objects.select_related(
            "record__unit__department__region", "version", "actor").get(pk=step_pk)
        notice = notice_of(step)
        if notice is None:
            return 0
        addresses = recipients(step.record, notify.audience(Action(step.action)))
        if not addresses:
            return 0
        with get_connection() as connection:
            for address in addresses:
                try:
                    sent += connection.send_messages(
                        [EmailMessage(notice.subject, notice.body, to=[address])]) or 0
                except Exception:
                    logger.exception("通知邮件未能发送给 %s（审核流程记录 %s）", address, step_pk)
    except Exception:
        logger.exception("审核流程记录 %s 的通知邮件未能发送", step_pk)
    return sent
