"""Handlers of general use (the import's lives with the import, in filings.editor)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings

from juesuan.filing.io import FilingReadError, atomic_write, filing_from_data, parse_json
from juesuan.web.jobs.models import Job
from juesuan.web.jobs.tasks import JobError, Progress

FORMATS = ("pdf", "html", "docx", "xlsx", "json")


def render(job: Job, progress: Progress) -> dict[str, Any]:
    """Render a filing's document in the formats asked (``params``: ``content``, the filing as
    stored, e.g. a FilingVersion's; ``formats``). Each file is written whole (atomically) to
    DATA_DIR/renders/<job id>/document.<format>, so a job started over after its worker died
    overwrites, never appends. Only bundled scoring schemes are used, as on the web pages."""
    from juesuan.document.build import build_document
    from juesuan.performance.scheme import bundled_names, load_scheme
    from juesuan.publish import render as render_format

    params = job.params
    formats = [f for f in params.get("formats", ["pdf"]) if f in FORMATS]
    if not formats:
        raise JobError(["没有要生成的格式。"])
    try:
        filing = filing_from_data(parse_json(str(params["content"])), "render")
    except (KeyError, FilingReadError):
        raise JobError(["要生成文档的填报内容无法读取。"]) from None
    name = filing.performance.scheme if filing.performance is not None else None
    scheme = load_scheme(name) if name is not None and name in bundled_names() else None
    doc = build_document(filing, scheme=scheme)
    progress(10, "已生成文档内容")
    folder = Path(settings.DATA_DIR) / "renders" / str(job.pk)
    files: dict[str, dict[str, str]] = {}
    for number, fmt in enumerate(formats, 1):
        data = render_format(doc, fmt)
        target = folder / f"document.{fmt}"
        atomic_write(target, data)
        files[fmt] = {"path": str(target), "sha256": hashlib.sha256(data).hexdigest()}
        progress(10 + 90 * number // len(formats), f"已生成 {fmt.upper()}")
    return {"files": files}
