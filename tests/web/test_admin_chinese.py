"""/admin/ in Chinese: the site's name, every app and model, every list column, the log."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

CATALOG = (Path(__file__).resolve().parents[2] / "src" / "juesuan" / "web" / "orgs" / "locale"
           / "zh_Hans" / "LC_MESSAGES" / "django.po")
_CJK = re.compile(r"[\u3400-\u9fff]")


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (and a screen reader reads it)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def superuser(world: Any) -> Any:
    """The administrator as `juesuan manage createsuperuser` makes one."""
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin


def test_the_index_names_every_app_and_model_in_chinese(client: Any, superuser: Any) -> None:
    from django.contrib import admin

    client.force_login(superuser)
    text = visible_text(client.get("/admin/").content.decode())
    assert "juesuan 部门决算管理" in text and "系统管理" in text
    for name in ("决算填报", "审核流程", "操作日志", "组织与用户", "主管部门", "单位", "行政区划",
                 "角色授权", "登录安全", "登录失败计数", "登录失败记录", "登录记录", "认证和授权",
                 "用户", "组", "名称", "修改或查看"):
        assert name in text, name
    english = {model.__name__ for model in admin.site._registry}
    english |= {str(model._meta.verbose_name_plural) for model in admin.site._registry
                if not _CJK.search(str(model._meta.verbose_name_plural))}
    english |= {"Axes", "Access attempts", "Model name", "Add link", "Change or view list link"}
    assert not {word for word in english if word in text}
    # no English word at all, but the product's name and the user's login name
    assert set(re.findall(r"[A-Za-z]{2,}", text)) == {"juesuan", "admin"}


def test_every_list_column_has_a_chinese_heading() -> None:
    from django.contrib import admin
    from django.contrib.admin.utils import label_for_field
    from django.utils import translation

    with translation.override("zh-hans"):
        headings = {(model.__name__, name): str(label_for_field(name, model, model_admin))
                    for model, model_admin in admin.site._registry.items()
                    for name in model_admin.list_display if isinstance(name, str)}
    assert headings[("AuditEvent", "action_words")] == "操作"
    assert headings[("AccessAttempt", "status")] == "锁定状态"
    assert headings[("AccessAttempt", "failures_since_start")] == "连续失败次数"
    assert not {key: label for key, label in headings.items() if not _CJK.search(label)}


@pytest.mark.django_db
def test_the_audit_log_in_the_admin_speaks_chinese(client: Any, superuser: Any,
                                                   make_record: Any) -> None:
    from juesuan.web.workflow import Action

    make_record(steps=(Action.SUBMIT,))
    client.force_login(superuser)
    text = visible_text(client.get("/admin/filings/auditevent/").content.decode())
    assert "上报 单位A 2024 年度 第 1 版，意见：意见" in text
    assert "新建填报 单位A 2024 年度 2024 年度，来源：表单编辑" in text
    assert "submit" not in text and "create" not in text
    filtered = visible_text(client.get("/admin/filings/auditevent/?action=submit").content.decode())
    assert "上报 单位A" in filtered and "新建填报 单位A" not in filtered


@pytest.mark.django_db
def test_login_security_lists_in_chinese(client: Any, superuser: Any) -> None:
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(username="unit_a", ip_address="10.0.0.8", user_agent="浏览器",
                                 http_accept="*/*", path_info="/accounts/login/", get_data="",
                                 post_data="", failures_since_start=1)
    AccessAttempt.objects.create(username="nobody", ip_address="10.0.0.9", user_agent="浏览器",
                                 http_accept="*/*", path_info="/accounts/login/", get_data="",
                                 post_data="", failures_since_start=5)
    client.force_login(superuser)
    text = visible_text(client.get("/admin/axes/accessattempt/").content.decode())
    assert "锁定状态" in text and "连续失败次数" in text and "IP 地址" in text
    assert "未锁定，还可尝试 4 次" in text and "已锁定" in text
    assert "Attempt" not in text and "Locked" not in text


def test_the_compiled_catalog_matches_its_source() -> None:
    """django.mo is compiled from django.po (msgfmt): every entry translates as written."""
    from django.utils import translation

    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', CATALOG.read_text(encoding="utf-8"), re.M)
    assert len(pairs) > 30
    with translation.override("zh-hans"):
        stale = [(msgid, text) for msgid, text in pairs if translation.gettext(msgid) != text]
    assert not stale, "run msgfmt -o django.mo django.po in " + str(CATALOG.parent.name)
