"""Portal pages kept for anonymous visitors until the next publication (juesuan.web.portal.kept)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.web.conftest import PUBLISHED

from juesuan.web.portal import kept

pytestmark = pytest.mark.django_db

PAGES = ("/310107/2024/", "/?q=单位&year=2024", "/compare/?d=310107/2024/da/ua&d=421300/2024/db/ub", "/310107/",
         "/compare/years/310107/da/ua/")


def test_a_visitors_page_is_kept_until_the_next_publication(client: Any, make_record: Any) -> None:
    make_record("a", steps=PUBLISHED)
    first = client.get("/310107/2024/")
    assert first.status_code == 200 and "单位A" in first.content.decode()
    assert "csrftoken" not in first.cookies  # nothing in the page is per visitor
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/310107/2024/")
    assert again.content == first.content
    assert len(queries) == 1 and "published_at" in queries[0]["sql"]  # only the publication stamp
    # A publication changes the stamp: the next visitor sees the new list.
    make_record("a", year=2023, steps=PUBLISHED)
    html = client.get("/310107/").content.decode()
    assert "2023" in html and "2024" in html


@pytest.mark.parametrize("url", PAGES)
def test_each_portal_page_is_kept_with_its_address(client: Any, make_record: Any, url: str) -> None:
    make_record("a", steps=PUBLISHED)
    make_record("b", steps=PUBLISHED, checks=False)
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content == first.content
    assert len(queries) == 1
    other = client.get(url + ("&" if "?" in url else "?") + "page=1")  # another address: its own page
    assert other.status_code == 200


def test_a_logged_in_users_page_is_neither_kept_nor_shown_to_visitors(client: Any, make_record: Any,
                                                                      world: Any) -> None:
    make_record("a", steps=PUBLISHED)
    anonymous = client.get("/310107/2024/").content.decode()
    client.force_login(world.users["finance_a"])
    mine = client.get("/310107/2024/").content.decode()
    assert "退出" in mine and "csrfmiddlewaretoken" in mine and "退出" not in anonymous
    with CaptureQueriesContext(connection) as queries:
        client.get("/310107/2024/")
    assert len(queries) > 1  # rendered again for the user
    client.logout()
    assert client.get("/310107/2024/").content.decode() == anonymous


def test_the_stamp_is_read_once_a_second(monkeypatch: Any, make_record: Any) -> None:
    make_record("a", steps=PUBLISHED)
    monkeypatch.setattr(kept, "STAMP_SECONDS", 60.0)
    kept.forget()
    with CaptureQueriesContext(connection) as queries:
        first, second = kept.recent_stamp(), kept.recent_stamp()
    assert first == second == kept.published_stamp() and len(queries) == 1
    kept.forget()
