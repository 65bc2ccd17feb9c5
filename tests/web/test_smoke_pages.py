"""The pages of the working area answer for the right people."""

from __future__ import annotations

from typing import Any

import pytest
from tests.web.conftest import PUBLISHED

pytestmark = pytest.mark.django_db


def test_workspace_requires_login(client: Any) -> None:
    response = client.get("/desk/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_form_logs_in_and_records_it(client: Any, world: Any) -> None:
    from juesuan.web.filings.models import AuditEvent

    response = client.post("/accounts/login/", {"username": "unit_a", "password": "pass-word-123"})
    assert response.status_code == 302 and response["Location"] == "/desk/"
    assert AuditEvent.objects.filter(action="login", actor=world.users["unit_a"]).count() == 1


def test_overview_shows_state_and_findings(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a", steps=PUBLISHED)
    client.force_login(world.users["unit_a"])
    page = client.get(f"/desk/f/{record.pk}/").content.decode()
    assert "已公开" in page and "检查结果" in page and "修订" in page


def test_overview_lists_findings_in_pages_errors_first(client: Any, world: Any, make_record: Any,
                                                        example_filing: Any, monkeypatch: Any) -> None:
    """A 20,000-row filing has as many findings: the overview lists them a page at a time,
    errors and 【待填写】 first, with the filter kept from page to page."""
    import re

    from juesuan.web.filings import services, views

    record = make_record("a", filing=example_filing)
    items = services.items_of(record.current)
    assert len(items) > 3 and items[0].severity == "gap"  # the example's one 【待填写】, first
    monkeypatch.setattr(views, "FINDINGS_PAGE", 2)
    client.force_login(world.users["unit_a"])
    first = client.get(f"/desk/f/{record.pk}/").content.decode()
    pages = -(-len(items) // 2)
    assert f"第 1 / {pages} 页" in first and "?page=2" in first
    rows = re.findall(r'<tr class="(error|gap|warning|info)" id=', first)
    assert rows == [items[0].severity, items[1].severity]
    last = client.get(f"/desk/f/{record.pk}/?page={pages}").content.decode()
    assert f"第 {pages} / {pages} 页" in last and "下一页" not in last
    beyond = client.get(f"/desk/f/{record.pk}/?page=abc")
    assert beyond.status_code == 200
    order = ["error", "gap", "warning", "info"]
    ranks = [order.index(i.severity) for i in items]
    assert ranks == sorted(ranks)
    # Filtered to the warnings: only they, and the pages keep the filter.
    warnings = [i for i in items if i.severity == "warning"]
    page = client.get(f"/desk/f/{record.pk}/?severity=warning").content.decode()
    assert re.findall(r'<tr class="(\w+)" id=', page) == ["warning"] * min(2, len(warnings))
    if len(warnings) > 2:
        assert "?severity=warning&amp;page=2" in page
