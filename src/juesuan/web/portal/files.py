"""Published disclosures as files: rendered once at publication, then sent as they are.

:func:`write_published` renders, for a record's published version, every file under its
portal address (the page as ``index.html``, ``document.html`` and the downloads) into the
storage named ``published`` (``settings.STORAGES``; by default the folder ``published`` in
the data folder). The bytes come from the portal views' own functions
(:func:`~juesuan.web.portal.views.disclosure_page`, :func:`~juesuan.web.portal.views.file_of`),
so a file is exactly what the view sends; ``headers.json`` beside the files keeps the headers
the views send (type, Chinese file name, ETag, cache, the document's content security policy).

Layout on a local file system (the default), for ``/310107/2024/czj/czj/``::

    310107/2024/czj/.czj/v3-1a2b3c4d/index.html, document.html, document.pdf, …, headers.json
    310107/2024/czj/czj -> .czj/v3-1a2b3c4d          (a relative symbolic link)

Every file of a version is written into a new folder (temporary name, then renamed) and the
link is switched in one ``rename``: a visitor sees the whole old set or the whole new set,
never a mix; the old folder is removed after the switch. Folders whose names start with a dot
are never served. :mod:`juesuan.web.portal.serving` (and nginx, docs/deploy.md) follow the
link. On a storage without local paths (S3 through django-storages) the files are written at
their addresses directly, the page last; each object is replaced whole by the storage.

Anything not written (yet) is served by the views as before, from the database.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InvalidStorageError, Storage, storages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from juesuan.web.filings.models import FilingRecord
from juesuan.web.jobs.models import Job
from juesuan.web.portal import published

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]

PAGE = "index.html"
MANIFEST = "headers.json"
# Headers of a view's response that are kept with its file.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Cache-Control", "Content-Security-Policy")
# Worth a gzip copy (``.gz`` beside the file, sent to clients that accept it; nginx gzip_static).
COMPRESSIBLE = (".html", ".json", ".csv", ".yaml")
# The page changes when another year of the unit is published: browsers revalidate it.
PAGE_CACHE = "no-cache"


def storage() -> Storage:
    """The ``published`` storage; a folder in the data folder when settings name none."""
    try:
        return storages["published"]
    except InvalidStorageError:
        return FileSystemStorage(location=Path(settings.DATA_DIR) / "published")


def local_root(store: Storage | None = None) -> Path | None:
    """The folder of a storage on this machine's file system (None for S3 and the like)."""
    store = store or storage()
    try:
        return Path(store.path(""))
    except NotImplementedError:
        return None


def safe_part(part: str) -> bool:
    """A code usable as one folder name: not empty, no separator or NUL, not hidden, not ``..``."""
    return (bool(part) and not part.startswith(".") and part.strip() == part
            and not any(ch in part for ch in "/\\\0") and len(part.encode()) <= 200)


def folder(address: published.Address) -> str | None:
    """The storage folder of an address (``310107/2024/czj/czj``), or None when a code cannot
    be a folder name (that disclosure is then always served by the views)."""
    parts = (address.region, str(address.year), address.department, address.unit)
    return "/".join(parts) if all(safe_part(p) for p in parts) else None


def file_names() -> tuple[str, ...]:
    from juesuan.web.portal.views import FILES

    return tuple(f"{stem}.{fmt}" for stem, fmt in FILES)


def _anonymous_request(path: str) -> HttpRequest:
    """A GET of ``path`` by an anonymous visitor without cookies: what the files are rendered for."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
    request.user = AnonymousUser()
    return request


def _kept(response: HttpResponse) -> dict[str, str]:
    return {name: response[name] for name in KEPT_HEADERS if name in response}


def _progress(progress: Progress | None, percent: int, message: str) -> None:
    if progress is not None:
        progress(percent, message)


def render_files(record: FilingRecord, *, page_only: bool = False,
                 progress: Progress | None = None) -> tuple[dict[str, bytes], dict[str, dict[str, str]]]:
    """The files of a published record's address and their headers, by the views' functions."""
    from juesuan.web.portal.views import disclosure_page, file_of

    address = published.Address.of(record)
    page_url = reverse("portal-disclosure", kwargs=address.kwargs)
    data: dict[str, bytes] = {}
    headers: dict[str, dict[str, str]] = {}
    names = () if page_only else file_names()
    for i, name in enumerate(names):
        _progress(progress, 5 + 85 * i // len(names), f"正在生成 {name}")
        response = file_of(_anonymous_request(page_url + name), record, name)
        data[name], headers[name] = response.content, _kept(response)
    _progress(progress, 90, "正在生成公开页面")
    response = disclosure_page(_anonymous_request(page_url), record)
    data[PAGE], headers[PAGE] = response.content, {**_kept(response), "Cache-Control": PAGE_CACHE}
    return data, headers


def write_published(record: FilingRecord, progress: Progress | None = None) -> list[str]:
    """Render and store every public file of the record's published version; return their
    portal addresses. A record not (or no longer) published has its files removed. The
    pages of the unit's other published years list this year, so they are written again."""
    fresh = _fresh(record)
    if fresh is None or fresh.published is None:
        remove_published(fresh or record)
        _progress(progress, 100, "未公开，没有可写的文件")
        return []
    record, version = fresh, fresh.published
    address = published.Address.of(record)
    base = folder(address)
    if base is None:
        _progress(progress, 100, "区划、部门或单位编码不能用作文件夹名，公开件由网站直接生成")
        return []
    _progress(progress, 0, f"开始生成公开文件：{address.key}")
    data, headers = render_files(record, progress=progress)
    _progress(progress, 95, "正在写入存储")
    _store(base, data, headers, tag=f"v{version.number}")
    for other in published.earlier_years(record):
        refresh_page(other)
    _progress(progress, 100, f"已写入 {len(data)} 个公开文件")
    page_url = reverse("portal-disclosure", kwargs=address.kwargs)
    return [page_url] + [page_url + name for name in data if name != PAGE]


def refresh_page(record: FilingRecord) -> bool:
    """Write a published record's page again (its other years changed), keeping its other
    files; nothing when its files were never written. True when written."""
    fresh = _fresh(record)
    if fresh is None or fresh.published is None:
        return False
    record, version = fresh, fresh.published
    base = folder(published.Address.of(record))
    if base is None or _current_tag(base) is None:
        return False
    data, headers = render_files(record, page_only=True)
    _store(base, data, headers, tag=f"v{version.number}", keep_others=True)
    return True


def remove_published(record: FilingRecord) -> None:
    """Stop serving a record's files and delete them (its address then goes to the views)."""
    base = folder(published.Address.of(record))
    if base is None:
        return
    store = storage()
    root = local_root(store)
    if root is None:
        for name in (*file_names(), PAGE, MANIFEST):
            for stored in (f"{base}/{name}", f"{base}/{name}.gz"):
                if store.exists(stored):
                    store.delete(stored)
        return
    link = root / base
    if link.is_symlink():
        link.unlink()  # served no more from here on
    shutil.rmtree(_versions(root, base), ignore_errors=True)


def rebuild_all(progress: Progress | None = None) -> int:
    """Write the files of every published record (after an upgrade, a renamed unit, a lost
    folder); return how many."""
    records = list(published.published_records().values_list("pk", flat=True))
    for i, pk in enumerate(records):
        _progress(progress, 100 * i // max(len(records), 1), f"正在生成第 {i + 1}/{len(records)} 个公开件")
        write_published(FilingRecord(pk=pk))
    _progress(progress, 100, f"已生成 {len(records)} 个公开件的文件")
    return len(records)


def publish_job(job: Job, progress: Progress) -> dict[str, Any]:
    """The ``publish`` job queued by a publication (services.transition): write the files. Until
    it is done (or when it failed, logged by the job) the views serve the disclosure, and ask
    for a document that is not rendered yet instead of rendering it in the request."""
    record = FilingRecord.objects.filter(pk=job.params.get("record")).first()
    if record is None:
        return {"files": []}
    return {"files": write_published(record, progress)}


# --- storage ------------------------------------------------------------------------------


def _fresh(record: FilingRecord) -> FilingRecord | None:
    return (FilingRecord.objects.select_related("unit__department__region", "published")
            .filter(pk=record.pk).first())


def _versions(root: Path, base: str) -> Path:
    """The hidden folder holding the versions of ``base``: ``…/czj/.czj``."""
    parent, _, unit = base.rpartition("/")
    return root / parent / f".{unit}"


def _current_tag(base: str) -> str | None:
    root = local_root()
    if root is None:
        return "remote" if storage().exists(f"{base}/{PAGE}") else None
    link = root / base
    return os.readlink(link) if link.is_symlink() else None


def _gzipped(name: str, data: bytes) -> bytes | None:
    if not name.endswith(COMPRESSIBLE) or len(data) < 1024:
        return None
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    return packed if len(packed) < len(data) * 0.9 else None


def _entries(data: dict[str, bytes]) -> Iterator[tuple[str, bytes]]:
    """Each file and its gzip copy, the page last."""
    for name in sorted(data, key=lambda n: n == PAGE):
        yield name, data[name]
        packed = _gzipped(name, data[name])
        if packed is not None:
            yield f"{name}.gz", packed


def _store(base: str, data: dict[str, bytes], headers: dict[str, dict[str, str]], *, tag: str,
           keep_others: bool = False) -> None:
    store = storage()
    root = local_root(store)
    if root is None:
        _store_remote(store, base, data, headers)
        return
    versions = _versions(root, base)
    versions.mkdir(parents=True, exist_ok=True)
    name = f"{tag}-{secrets.token_hex(4)}"
    staging = versions / f".tmp-{name}"
    staging.mkdir()
    link = root / base
    old = versions / os.readlink(link).rpartition("/")[2] if link.is_symlink() else None
    try:
        manifest: dict[str, Any] = {}
        if keep_others and old is not None and old.is_dir():
            manifest = json.loads((old / MANIFEST).read_text("utf-8"))
            for kept in old.iterdir():
                if kept.name != MANIFEST and kept.name.partition(".gz")[0] not in data:
                    _link_or_copy(kept, staging / kept.name)
        for file_name, content in _entries(data):
            (staging / file_name).write_bytes(content)
        manifest.update(headers)
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
        staging.rename(versions / name)  # complete before it can be linked
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _switch(link, f".{base.rpartition('/')[2]}/{name}")
    if old is not None and old.name != name:
        # Requests that already opened a file keep reading it; new ones follow the link.
        shutil.rmtree(old, ignore_errors=True)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _switch(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` in one step (a new link renamed over the old one)."""
    temporary = link.with_name(f".{link.name}.link-{secrets.token_hex(4)}")
    os.symlink(target, temporary)
    try:
        os.replace(temporary, link)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _store_remote(store: Storage, base: str, data: dict[str, bytes], headers: dict[str, dict[str, str]]) -> None:
    """S3 and the like: each object replaced whole (``file_overwrite``), the page last."""
    manifest: dict[str, Any] = {}
    if store.exists(f"{base}/{MANIFEST}"):
        with store.open(f"{base}/{MANIFEST}", "rb") as handle:
            manifest = json.loads(handle.read().decode("utf-8"))
    manifest.update(headers)
    entries = [(f"{base}/{MANIFEST}", json.dumps(manifest, ensure_ascii=False).encode("utf-8")),
               *((f"{base}/{n}", c) for n, c in _entries(data))]
    for stored, content in entries:
        if store.exists(stored):
            store.delete(stored)
        store.save(stored, ContentFile(content))
