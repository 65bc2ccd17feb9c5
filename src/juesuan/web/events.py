"""The 操作日志 in words: each logged action and its detail as a finance officer reads them.
Pure; no Django.

The log stores an action name (``save``, ``finance_approve`` …) and its detail as plain data
(``{"version": 3, "format": "pdf"}``); the page shows “财政审核通过”, “第 3 版，格式 PDF”. An
action or a detail key nobody described here is shown as stored, never refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from juesuan.web.workflow import TRANSITIONS

# Actions that are not workflow steps (grep ``log(request, "`` and ``services.log(``).
_OTHER_ACTIONS = {
    "create": "新建填报",
    "save": "保存",
    "import": "导入",
    "download": "下载",
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "restore": "恢复历史版本",
    "abandon": "放弃修订",
    "explain": "填写出错说明",
    "deadline": "设置上报截止日期",
}

# Workflow steps by their own labels (上报、部门审核通过、退回单位 …), so the log says what
# the buttons said.
ACTION_LABELS: dict[str, str] = {
    **_OTHER_ACTIONS,
    **{action.value: step.label for action, step in TRANSITIONS.items()},
}

# Where a version's content came from: also the choices of ``FilingVersion.source``.
SOURCE_LABELS: dict[str, str] = {
    "form": "表单编辑", "yaml": "导入 YAML", "json": "导入 JSON", "xlsx": "导入 XLSX",
    "report": "导入公开报告", "example": "示例数据", "prior": "上年数据", "restore": "恢复历史版本",
}

# Formats of a download (``DOWNLOAD_TYPES`` and the YAML filing) and of an import.
FORMAT_LABELS: dict[str, str] = {
    "pdf": "PDF", "docx": "Word（DOCX）", "html": "网页（HTML）", "xlsx": "Excel（XLSX）",
    "json": "JSON", "yaml": "YAML 填报文件", "review": "审核意见", "report": "公开报告",
}
# What an imported file was read as (also ``imports.KIND_LABELS``).
IMPORT_LABELS: dict[str, str] = {
    "yaml": "YAML 填报文件", "json": "JSON 填报文件", "xlsx": "XLSX 决算表", "report": "公开报告",
}


def action_label(action: str) -> str:
    """The action in words; one nobody described is shown as stored."""
    return ACTION_LABELS.get(action, action)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


def describe_detail(action: str, detail: Any, *,
                    sources: Mapping[str, str] | None = None) -> str:
    """The detail of a logged action in words: “第 3 版，格式 PDF”, “意见：……”,
    “来源：导入公开报告”. Keys not described here are shown as “key：value”."""
    if not isinstance(detail, Mapping):
        return _text(detail)
    labels = {**SOURCE_LABELS, **(sources or {})}
    rest = dict(detail)
    parts: list[str] = []

    def take(key: str) -> Any:
        return rest.pop(key, None)

    year = take("year")
    if year not in (None, ""):
        parts.append(f"{year} 年度")
    origin = take("from")
    if origin not in (None, ""):
        parts.append(f"恢复第 {origin} 版的内容")
    version = take("version")
    created = take("created")
    if version not in (None, ""):
        parts.append(f"第 {version} 版" if created is not False else f"内容未变，仍为第 {version} 版")
    elif created is False:
        parts.append("内容未变，未新建版本")
    file = take("file")
    kind = take("format")
    if file not in (None, ""):
        parts.append(f"文件 {file}" + (f"（{IMPORT_LABELS.get(str(kind), kind)}）" if kind else ""))
    elif kind not in (None, ""):
        parts.append(f"格式 {FORMAT_LABELS.get(str(kind), kind)}")
    source = take("source")
    if source not in (None, ""):
        parts.append(f"来源：{labels.get(str(source), source)}")
    taken = take("taken")
    if taken:
        parts.append(f"导入内容：{_text(taken)}")
    confirmed = take("confirmed")  # another unit's or year's figures, taken knowingly
    if confirmed:
        parts.append(f"已确认：{_text(confirmed)}")
    username = take("username")
    if username not in (None, ""):
        parts.append(f"用户名 {username}")
    take("key")  # an 出错说明's finding key: an identifier, not for reading
    text = take("text")
    if action == "explain":
        parts.append(f"说明：{text}" if text else "删除说明")
    elif text not in (None, ""):
        parts.append(f"说明：{text}")
    comment = take("comment")
    if comment not in (None, ""):
        parts.append(f"意见：{comment}")
    parts += [f"{key}：{_text(value)}" for key, value in rest.items()]
    return "，".join(parts)
