"""Only published versions are ever shown: a later draft never leaks through any page,
download or API call, and a record never published is a 404 everywhere."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from tests.web.conftest import PUBLISHED

from juesuan.web.workflow import Action

pytestmark = pytest.mark.django_db



PAGE = "/310107/2024/da/ua/"
API = "/api/disclosures/310107/2024/da/ua"
KEY = "310107/2024/da/ua"
OTHER = "421300/2024/db/ub"


def _draft(filing: Any) -> Any:
    rows = list(filing.income)
    rows[0] = rows[0].model_copy(update={"general_budget": Decimal("1400.00")})  # was 1511.89
    return filing.model_copy(update={"income": tuple(rows)})


@pytest.fixture
def revised(world: Any, make_record: Any, shanghai_filing: Any) -> Any:
    """Published v1 (本年收入合计 2946.26), then revised into an unpublished draft v2
    (本年收入合计 2834.37); a second published record to compare with."""
    from juesuan.web.filings import services

    record = make_record("a", steps=PUBLISHED)
    services.transition(record, Action.REVISE, world.users["unit_a"])
    version, written = services.save_version(record, _draft(shanghai_filing), world.users["unit_a"], base=1)
    assert written and version.number == 2
    record.refresh_from_db()
    assert record.current.number == 2 and record.published.number == 1
    make_record("b", steps=PUBLISHED)
    return record


URLS_V1 = (
    (PAGE, "2,946.26", "2,834.37"),
    (PAGE + "tables.csv", "1511.89", "1400.00"),
    (PAGE + "tables.json", '"2946.26"', '"2834.37"'),
    (PAGE + "filing.yaml", "1511.89", "1400.00"),
    (PAGE + "document.json", "1511.89", "1400.00"),
    (PAGE + "document.html", "1511.89", "1400.00"),
    (API, '"2946.26"', '"2834.37"'),
    (API + "/tables", '"2946.26"', '"2834.37"'),
    (API + "/document", "1511.89", "1400.00"),
    (f"/compare/?d={KEY}&d={OTHER}", "2,946.26", "2,834.37"),
    (f"/compare.json?d={KEY}&d={OTHER}", '"2946.26"', '"2834.37"'),
    (f"/api/compare?d={KEY}&d={OTHER}", '"2946.26"', '"2834.37"'),
    ("/compare/years/310107/da/ua.csv", "2946.26", "2834.37"),
)


@pytest.mark.parametrize(("url", "published", "draft"), URLS_V1)
def test_a_later_draft_never_shows(client: Any, revised: Any, url: str, published: str, draft: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode("utf-8-sig")
    assert published in text and draft not in text


def test_the_draft_shows_once_it_is_published(client: Any, world: Any, revised: Any) -> None:
    from juesuan.web.filings import services

    for action, who in ((Action.SUBMIT, "unit_a"), (Action.DEPARTMENT_APPROVE, "dept_a"),
                        (Action.FINANCE_APPROVE, "finance_a")):
        # The draft's figures differ from the rest of the filing (errors): not what this is about.
        services.transition(revised, action, world.users[who], checks=False)
        assert "2,946.26" in client.get(PAGE).content.decode()  # approved is not yet public
    services.transition(revised, Action.PUBLISH, world.users["finance_a"], checks=False)
    html = client.get(PAGE).content.decode()
    assert "2,834.37" in html and "2,946.26" not in html and "公开版本：第 2 版" in html


def test_even_a_logged_in_editor_sees_only_the_published_version(client: Any, world: Any, revised: Any) -> None:
    client.force_login(world.users["unit_a"])
    assert "2,834.37" not in client.get(PAGE).content.decode()
    assert '"2834.37"' not in client.get(API).content.decode()


@pytest.fixture
def unpublished(make_record: Any) -> Any:
    """Approved by finance but not published; plus a published record on the other side."""
    make_record("b", steps=PUBLISHED)
    return make_record("a", steps=(Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE))


NOT_FOUND = (
    PAGE,
    *(PAGE + name for name in ("document.html", "document.pdf", "document.docx", "document.xlsx",
                               "document.json", "tables.csv", "tables.json", "filing.yaml")),
    "/310107/2024/",
    "/310107/",
    "/compare/years/310107/da/ua/",
    "/compare/years/310107/da/ua.json",
    f"/compare.json?d={KEY}&d={OTHER}",
    API,
    API + "/tables",
    API + "/document",
    "/api/compare/years/310107/da/ua",
    f"/api/compare?d={KEY}&d={OTHER}",
)


@pytest.mark.parametrize("url", NOT_FOUND)
def test_a_record_never_published_is_404_everywhere(client: Any, world: Any, unpublished: Any, url: str) -> None:
    assert client.get(url).status_code == 404
    client.force_login(world.users["admin"])  # the portal is public data only, even for staff
    assert client.get(url).status_code == 404


def test_a_record_never_published_is_in_no_listing(client: Any, unpublished: Any) -> None:
    for url in ("/?q=单位", "/", "/compare/?year=2024", "/disclosures.csv"):
        text = client.get(url).content.decode("utf-8-sig")
        assert "单位B" in text or url == "/", url
        assert KEY not in text and "单位A" not in text, url
    data = json.loads(client.get("/api/disclosures").content)
    assert data["count"] == 1 and [i["key"] for i in data["items"]] == [OTHER]
    assert json.loads(client.get("/api/disclosures?region=310107").content)["count"] == 0
