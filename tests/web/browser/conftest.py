"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Select them with ``-m browser``; they also run in the normal suite. Chromium comes from the
system (``scripts/system-packages.sh --test``); Playwright's own browser downloads are never
used. Each user gets a browser context of their own and logs in through the login form.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the live server's database calls
# and the tests' own ORM calls are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "pass-word-123"  # the password of every user in tests/web/conftest.py's world


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="没有 /usr/bin/chromium：bash scripts/system-packages.sh --test"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1280, "height": 900}, "accept_downloads": True}


class Visitor:
    """One person in their own browser context; collects the page's script errors."""

    def __init__(self, context: Any, base: str) -> None:
        self.context = context
        self.base = base
        self.page = context.new_page()
        self.page.set_default_timeout(20_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"脚本错误：{exc}"))
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message: Any) -> None:
        # Failed loads are reported with their address by _response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"控制台错误（{self.page.url}）：{message.text}")

    def _response(self, response: Any) -> None:
        # Browsers ask for /favicon.ico by themselves; the site has none (a 404 the user never sees).
        if response.status >= 400 and "/favicon.ico" not in response.url:
            self.errors.append(f"请求失败 {response.status}：{response.url}（页面 {self.page.url}）")

    def go(self, path: str) -> Any:
        self.page.goto(self.base + path)
        return self.page


@pytest.fixture
def visit(browser: Any, browser_context_args: dict[str, Any],
          live_server: Any) -> Iterator[Callable[[str | None], Visitor]]:
    """``visit(username)`` logs in through the form; ``visit(None)`` is the anonymous public."""
    from playwright.sync_api import expect

    visitors: list[Visitor] = []

    def open_as(username: str | None) -> Visitor:
        visitor = Visitor(browser.new_context(**browser_context_args), live_server.url)
        visitors.append(visitor)
        if username is not None:
            page = visitor.go("/accounts/login/")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            expect(page.get_by_role("heading", name="工作台", level=1)).to_be_visible()
        return visitor

    yield open_as
    errors = [e for v in visitors for e in v.errors]
    for visitor in visitors:
        visitor.context.close()
    assert not errors, "页面出现脚本或控制台错误：\n" + "\n".join(errors)
