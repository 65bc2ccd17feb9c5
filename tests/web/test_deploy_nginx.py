"""The nginx configuration of docs/deploy.md, run: a real nginx with the document's locations (read
from it by benchmarks/deploy_nginx.py) in front of the app. The published page comes from its file
with the headers the app sends; downloads through X-Accel-Redirect with the app's name and type;
what is not published, hidden or internal is not served from the folder."""

from __future__ import annotations

import http.client
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.web.worker_processes import free_port

from juesuan.web.portal import files

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import deploy_nginx

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(deploy_nginx.executable() is None, reason="nginx is not installed")]

SHANGHAI = "/310107/2024/czj/czj/"
# The headers nginx adds itself to the page, which must say what the app says.
SECURITY = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
            "Cross-Origin-Opener-Policy", "Permissions-Policy")


def get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {k.title(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def app(path: str) -> Any:
    """What the app itself sends for the address, without nginx (its file middleware)."""
    from django.test import Client, override_settings

    with override_settings(PUBLISHED_ACCEL_REDIRECT=""):
        return Client().get(path)


@pytest.fixture
def site(live_server: Any, published_folder: Path, settings: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    from juesuan.web import seed

    records = seed.load_examples()
    record = next(r for r in records if r.unit.code == "czj")
    files.write_published(record)
    settings.PUBLISHED_ACCEL_REDIRECT = "/_published/"  # as docs/deploy.md sets JUESUAN_ACCEL_REDIRECT
    app_port = int(urlsplit(live_server.url).port or 80)
    port = free_port()
    work = tmp_path / "nginx"
    work.mkdir()
    text = deploy_nginx.config(published=published_folder, upstream_port=app_port, port=port, work=work)
    nginx = deploy_nginx.Nginx(work, text, port)
    try:
        nginx.wait_ready(lambda: get(port, SHANGHAI)[0] == 200, timeout=20)
        yield {"port": port, "app": app_port, "folder": published_folder}
    finally:
        nginx.stop()


def test_the_page_comes_from_its_file_with_the_apps_headers(site: dict[str, Any]) -> None:
    status, headers, body = get(site["port"], SHANGHAI)
    assert status == 200
    assert body == (site["folder"] / SHANGHAI.strip("/") / files.PAGE).read_bytes()
    assert "Server" in headers and headers["Server"].startswith("nginx")  # not proxied: nginx's own
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    direct = app(SHANGHAI)
    assert direct.status_code == 200 and b"".join(direct.streaming_content) == body
    for name in SECURITY:
        assert headers.get(name) == direct.get(name), name


def test_downloads_are_sent_by_nginx_with_the_apps_name_and_type(site: dict[str, Any]) -> None:
    for name in ("document.pdf", "document.xlsx", "tables.csv", "document.html"):
        status, headers, body = get(site["port"], SHANGHAI + name)
        assert status == 200, name
        assert body == (site["folder"] / SHANGHAI.strip("/") / name).read_bytes() and body
        assert "X-Accel-Redirect" not in headers
        direct = app(SHANGHAI + name)
        assert direct.status_code == 200
        for header in ("Content-Type", "Content-Disposition", "Cache-Control"):
            assert headers.get(header) == direct.get(header), (name, header)
        if name == "document.html":  # its own, sandboxed policy (juesuan.web.filings.views.DOCUMENT_POLICY)
            assert headers["Content-Security-Policy"] == direct["Content-Security-Policy"]
        else:
            assert headers["X-Content-Type-Options"] == "nosniff"


def test_internal_hidden_and_unpublished_addresses_are_not_served_from_the_folder(site: dict[str, Any]) -> None:
    link = site["folder"] / SHANGHAI.strip("/")
    version = link.resolve().relative_to(site["folder"].resolve())
    assert get(site["port"], f"/_published/{version}/document.pdf")[0] == 404  # internal only
    assert get(site["port"], f"/{version.parent}/{version.name}/")[0] == 404  # a hidden version folder
    status, headers, _ = get(site["port"], "/310107/2024/czj/nobody/")  # not published: the app answers
    assert status == 404 and "X-Frame-Options" in headers
