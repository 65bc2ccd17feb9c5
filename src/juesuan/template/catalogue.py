"""The bundled disclosure templates (``data/*.yaml``) and template files named by path.

A template file may start from another with ``extends: NAME``: its keys replace the
other's, except ``tables`` (entries replace the other's table of the same number),
``drop_tables`` (table numbers left out) and ``drop_classes`` (类 codes left out).

A template file is plain YAML: at most MAX_SCHEME_BYTES, no anchors, aliases or tags;
pydantic checks every key. The bundled files are package data, read once.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from juesuan.limits import MAX_SCHEME_BYTES
from juesuan.money import printable
from juesuan.template.model import Template

_MAX_EXTENDS = 8  # a chain of templates longer than this is a loop or a mistake
# libyaml's loader when PyYAML has it: the same plain data, parsed in C.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TemplateError(Exception):
    """A template that cannot be found or read; the message is Chinese."""


def bundled_names() -> list[str]:
    folder = resources.files("juesuan.template") / "data"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def choices() -> str:
    """The bundled names, for messages: central-2017、central-2020、…"""
    return "、".join(bundled_names())


@cache
def _bundled_text(name: str) -> str:
    return (resources.files("juesuan.template") / "data" / f"{name}.yaml").read_text(encoding="utf-8")


def _raw(text: str, source: str) -> dict[str, Any]:
    """The mapping of a template file: plain YAML (no anchors, aliases or tags), bounded."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SCHEME_BYTES:
        raise TemplateError(f"{source}：模板文件超过 {MAX_SCHEME_BYTES:,} 字节")
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken | yaml.TagToken):
                line = token.start_mark.line + 1
                raise TemplateError(f"{source}：第 {line} 行：模板文件不用锚点、别名和标签（&、*、!）")
        data = yaml.load(text, Loader=_Loader)  # a safe loader: plain data only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行：" if mark is not None else ""
        raise TemplateError(f"{source}：模板文件不是有效的 YAML：{where}{getattr(exc, 'problem', '') or exc}"
                            ) from None
    except RecursionError:
        raise TemplateError(f"{source}：模板文件嵌套过深") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{source}：模板文件应为键值对（name、tables、classes …）")
    return data


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = {k: v for k, v in base.items() if k != "name"}
    for key, value in child.items():
        if key == "tables":
            by_number = {t.get("number"): t for t in merged.get("tables", ()) if isinstance(t, dict)}
            for table in value if isinstance(value, list) else ():
                if isinstance(table, dict):
                    by_number[table.get("number")] = table
            merged["tables"] = [by_number[n] for n in sorted(by_number, key=str)]
        elif key == "drop_tables":
            drop = set(value) if isinstance(value, list) else set()
            merged["tables"] = [t for t in merged.get("tables", ()) if t.get("number") not in drop]
        elif key == "drop_classes":
            drop = set(value) if isinstance(value, list) else set()
            merged["classes"] = [c for c in merged.get("classes", ()) if c.get("code") not in drop]
        elif key == "wording" and isinstance(value, dict):
            merged[key] = {**merged.get(key, {}), **value}  # a variant changes a word or two
        else:
            merged[key] = value
    return merged


def _resolve(data: dict[str, Any], source: str, depth: int = 0) -> dict[str, Any]:
    parent = data.get("extends")
    if parent is None:
        return data
    if depth >= _MAX_EXTENDS or not isinstance(parent, str) or parent not in bundled_names():
        raise TemplateError(f"{source}：extends 应为内置模板（{choices()}）")
    base = _resolve(_raw(_bundled_text(parent), parent), parent, depth + 1)
    # Order matters: drop_* after the child's own tables/classes are in place.
    ordered = {k: v for k, v in data.items() if not k.startswith("drop_") and k != "extends"}
    ordered |= {k: v for k, v in data.items() if k.startswith("drop_")}
    return _merge(base, ordered)


def parse_template(text: str, source: str) -> Template:
    data = _resolve(_raw(text, source), source)
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        details = "；".join(
            f"{'.'.join(str(p) for p in e['loc']) or '模板'}：{e['msg']}"
            for e in exc.errors(include_url=False)[:10])
        raise TemplateError(f"{source}：模板文件有误：{details}") from None


@cache
def bundled(name: str) -> Template:
    """A bundled template by name (KeyError when there is none)."""
    if name not in bundled_names():
        raise KeyError(name)
    return parse_template(_bundled_text(name), name)


def bundled_templates() -> tuple[Template, ...]:
    """Every bundled template, by name."""
    return tuple(bundled(name) for name in bundled_names())


def load_template(name_or_path: str) -> Template:
    """A bundled template by name, or a template file by path: what the CLI and the web
    app call when a user names a template."""
    if name_or_path in bundled_names():
        return bundled(name_or_path)
    path = Path(name_or_path)
    try:
        found = path.suffix in (".yaml", ".yml") and path.is_file()
    except (OSError, ValueError):
        found = False
    if not found:
        raise TemplateError(
            f"找不到公开模板“{printable(name_or_path)}”：应为内置模板（{choices()}）或一个 YAML 文件路径")
    try:
        if path.stat().st_size > MAX_SCHEME_BYTES:
            raise TemplateError(f"{path}：模板文件超过 {MAX_SCHEME_BYTES:,} 字节")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}：无法读取模板文件（应为 UTF-8 编码的 YAML）：{exc}") from None
    return parse_template(text, str(path))


def default_name(year: int) -> str:
    """The template used for a year when a filing names none (central-2017 is used only
    when named: filings of earlier years were written for the nine tables)."""
    return "central-2020" if year <= 2021 else "shanghai-2024"


def template_for(name: str | None, year: int) -> Template:
    """The bundled template a filing names, else the one in force for its year."""
    return bundled(name if name is not None else default_name(year))
