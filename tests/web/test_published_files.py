"""Published disclosures written as files and served from them (juesuan.web.portal.files, .serving)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from juesuan.web.portal import files

pytestmark = pytest.mark.django_db

SHANGHAI = "/310107/2024/czj/czj/"
NAMES = ("document.html", "document.pdf", "document.docx", "document.xlsx", "document.json",
         "tables.csv", "tables.json", "filing.yaml")
# Headers a file response has that the view's does not (or differently): from the file itself.
FILE_ONLY = {"Last-Modified", "Content-Length", "Vary", "Content-Encoding", "ETag", "Cache-Control"}


@pytest.fixture
def folder(published_folder: Path) -> Path:
    return published_folder  # tests/web/conftest.py: each test its own


@pytest.fixture
def examples(db: Any, folder: Path) -> list[Any]:
    from juesuan.web import seed

    records: list[Any] = seed.load_examples()
    return records


def shanghai(records: list[Any]) -> Any:
    return next(r for r in records if r.unit.code == "czj")


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def from_views(url: str, **headers: Any) -> Any:
    """The same address answered by the views (the files hidden): a client without the middleware."""
    from django.conf import settings
    from django.test import Client, override_settings

    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if not m.endswith("PublishedFilesMiddleware")]):
        return Client().get(url, **headers)


def test_publishing_writes_every_file_with_the_bytes_and_headers_the_views_send(
        client: Any, examples: Any, folder: Path) -> None:
    written = files.write_published(shanghai(examples))
    assert written == [SHANGHAI] + [SHANGHAI + n for n in NAMES]
    link = folder / "310107/2024/czj/czj"
    assert link.is_symlink() and os.readlink(link).startswith(".czj/v1-")
    assert sorted(p.name for p in link.iterdir() if not p.name.endswith(".gz")) == sorted(
        [*NAMES, "index.html", "headers.json"])
    for url in [SHANGHAI] + [SHANGHAI + n for n in NAMES]:
        served, viewed = client.get(url), from_views(url)
        assert served.status_code == viewed.status_code == 200, url
        assert served.streaming and not viewed.streaming, url  # really from the file
        assert body(served) == body(viewed), url
        for name, value in viewed.headers.items():
            if name not in FILE_ONLY:
                assert served.headers.get(name) == value, (url, name)
        if url != SHANGHAI:
            assert served["ETag"] == viewed["ETag"] and served["Cache-Control"] == "public, max-age=300"
    pdf = client.get(SHANGHAI + "document.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith('attachment; filename="310107-2024-czj-czj-document.pdf"; '
                                                 "filename*=UTF-8''%E4%B8%8A%E6%B5%B7")
    html = client.get(SHANGHAI + "document.html")
    assert "sandbox allow-scripts allow-popups" in html["Content-Security-Policy"]
    page = client.get(SHANGHAI)
    assert page["Content-Security-Policy"].startswith("default-src 'self'") and page["Cache-Control"] == "no-cache"
    assert "csrf" not in body(page).decode().lower()


def test_the_page_is_served_without_a_database_query_and_answers_head_and_304(
        client: Any, examples: Any) -> None:
    files.write_published(shanghai(examples))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(SHANGHAI)
        head = client.head(SHANGHAI + "tables.csv")
        again = client.get(SHANGHAI, HTTP_IF_NONE_MATCH=page["ETag"])
        ranged = client.get(SHANGHAI + "tables.csv", HTTP_RANGE="bytes=0-9")
        packed = client.get(SHANGHAI + "document.html", HTTP_ACCEPT_ENCODING="gzip")
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert page.status_code == 200 and "上海市普陀区财政局2024年度部门决算" in body(page).decode()
    assert "Set-Cookie" not in page.headers and not page.cookies
    assert head.status_code == 200 and body(head) == b"" and int(head["Content-Length"]) > 1000
    assert again.status_code == 304 and body(again) == b""
    assert ranged.status_code == 206 and body(ranged) == "\ufeff".encode() + body(client.get(SHANGHAI + "tables.csv"))[3:10]
    assert packed["Content-Encoding"] == "gzip" and packed["Vary"] == "Accept-Encoding"


def test_a_new_publication_replaces_the_files_and_a_withdrawal_removes_them(
        client: Any, examples: Any, folder: Path) -> None:
    from juesuan.web.filings import services

    record = shanghai(examples)
    files.write_published(record)
    first = folder / "310107/2024/czj" / os.readlink(folder / "310107/2024/czj/czj")
    old_page = body(client.get(SHANGHAI))
    assert "公开版本：第 1 版" in old_page.decode()
    # A second version, published (the workflow's PUBLISH step sets it, then calls this).
    version = services._new_version(record, record.current, services.filing_of(record.current), None,
                                    source="form", note="")
    record.published = version
    record.save(update_fields=["published"])
    files.write_published(record)
    assert not first.exists()  # the old version's files are gone
    served = body(client.get(SHANGHAI))
    assert "公开版本：第 2 版" in served.decode() and served != old_page
    assert served == body(from_views(SHANGHAI))
    assert os.readlink(folder / "310107/2024/czj/czj").startswith(".czj/v2-")
    record.published = None
    record.save(update_fields=["published"])
    assert files.write_published(record) == []
    assert not (folder / "310107/2024/czj/czj").exists() and not (folder / "310107/2024/czj/.czj").exists()
    assert client.get(SHANGHAI).status_code == 404  # the views: no longer published


def test_a_file_written_after_the_server_started_is_served_and_unwritten_ones_go_to_the_views(
        client: Any, examples: Any) -> None:
    first = client.get(SHANGHAI)
    assert first.status_code == 200 and not first.streaming  # not written yet: the view renders it
    files.write_published(shanghai(examples))
    assert client.get(SHANGHAI).streaming


@pytest.mark.parametrize("url", [
    "/310107/2024/czj/czj/../../../../etc/passwd",
    "/310107/2024/czj/%2E%2E/czj/document.pdf",
    "/310107/2024/czj/.czj/document.pdf",
    "/310107/2024/czj/czj/headers.json",
    "/310107/2024/czj/czj/index.html",
    "/310107/2024/czj/czj/document.pdf/x",
])
def test_paths_outside_the_addresses_are_never_files(client: Any, examples: Any, url: str) -> None:
    files.write_published(shanghai(examples))
    response = client.get(url, REQUEST_URI=url)
    assert response.status_code == 404 and not response.streaming


def test_an_encoded_slash_is_left_to_the_views(client: Any, examples: Any) -> None:
    files.write_published(shanghai(examples))
    url = "/310107/2024/czj%2Fczj/filing.yaml"  # Django decodes it to the address: the view answers
    response = client.get(url, REQUEST_URI=url)
    assert response.status_code == 200 and not response.streaming


def test_a_publication_through_the_workflow_writes_the_files(
        make_record: Any, folder: Path, django_capture_on_commit_callbacks: Any) -> None:
    from juesuan.web.workflow import Action

    with django_capture_on_commit_callbacks(execute=True):
        make_record("a", steps=(Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE, Action.PUBLISH))
    manifest = json.loads((folder / "310107/2024/da/ua/headers.json").read_text("utf-8"))
    assert set(manifest) == {*NAMES, "index.html"}
    assert manifest["tables.csv"]["Content-Type"] == "text/csv; charset=utf-8; header=present"


def test_another_year_of_the_unit_rewrites_the_earlier_page(
        client: Any, make_record: Any, folder: Path, django_capture_on_commit_callbacks: Any) -> None:
    from juesuan.web.workflow import Action

    steps = (Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE, Action.PUBLISH)
    with django_capture_on_commit_callbacks(execute=True):
        make_record("a", year=2023, steps=steps)
    assert "该单位暂无其他年度的公开决算" in body(client.get("/310107/2023/da/ua/")).decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_record("a", year=2024, steps=steps)
    page = body(client.get("/310107/2023/da/ua/")).decode()
    assert 'href="/310107/2024/da/ua/"' in page
    assert body(client.get("/310107/2023/da/ua/tables.csv")) == body(from_views("/310107/2023/da/ua/tables.csv"))


def test_accel_redirect_hands_the_file_to_nginx_with_the_headers(
        client: Any, examples: Any, settings: Any) -> None:
    files.write_published(shanghai(examples))
    settings.PUBLISHED_ACCEL_REDIRECT = "/_published/"
    response = client.get(SHANGHAI + "document.pdf")
    assert response["X-Accel-Redirect"].startswith("/_published/310107/2024/czj/.czj/v1-")
    assert response["X-Accel-Redirect"].endswith("/document.pdf") and response.content == b""
    assert response["Content-Disposition"].startswith("attachment;")
