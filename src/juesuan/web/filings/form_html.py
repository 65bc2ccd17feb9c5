"""HTML of a section's form, from its nodes and the flat form values.

Rendered in Python because the forms are recursive (projects → indicators → parts). Every
value is escaped. Problems are shown beside their field; check findings about a field beside
it too. Lists of flat rows are tables, lists of nested items cards; each list has a
``<template>`` the editor script clones to add a row, and an "增加一行" submit button that
does the same on the server when scripts do not run. A long list shows one page of its rows
(:mod:`paging`) with page links, a filter, and the page's identity as a hidden field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from juesuan import codes
from juesuan.web.filings.forms_schema import (
    DELETE,
    FRACTION,
    OMIT,
    PRESENT,
    ROW,
    Group,
    Node,
    Pairs,
    Rows,
    Scalar,
    join,
)
from juesuan.web.filings.paging import SHOWN, Window, encode

NEW = "__new__"  # the index placeholder of a row template


@dataclass(frozen=True)
class Note:
    """A check finding shown beside a field."""

    severity: str  # error / warning / info
    label: str  # 错误 / 警告 / 提示
    message: str


@dataclass
class FormRenderer:
    values: Mapping[str, str]
    errors: Mapping[str, list[str]] = field(default_factory=dict)
    notes: Mapping[str, list[Note]] = field(default_factory=dict)
    year: int | None = None
    code_url: str = ""
    extra_rows: Mapping[str, int] = field(default_factory=dict)  # rows path → blank rows to add
    windows: Mapping[str, Window] = field(default_factory=dict)  # long lists: the page shown, by path
    shown: Mapping[str, Sequence[int]] = field(default_factory=dict)  # long lists: saved rows in the form
    page_url: str = ""  # the section's address, for page links
    used: set[str] = field(default_factory=set)  # paths whose problems were shown
    outside: list[str] = field(default_factory=list)  # forms the page links use (outside the filing form)

    # --- entry point --------------------------------------------------------------------------

    def section(self, nodes: Sequence[Node]) -> SafeString:
        parts: list[str] = []
        scalars = [n for n in nodes if isinstance(n, Scalar)]
        if scalars:
            parts.append(self._fields(scalars, ""))
        for node in nodes:
            if isinstance(node, Scalar):
                continue
            if isinstance(node, Group) and not node.optional and len(nodes) == 1:
                parts.append(self._group_body(node, node.name))
            else:
                parts.append(self.node(node, node.name))
        return mark_safe("".join(parts))

    def node(self, node: Node, path: str) -> str:
        if isinstance(node, Scalar):
            return self._field(node, path)
        if isinstance(node, Group):
            return self._group(node, path)
        if isinstance(node, Rows):
            return self._rows(node, path)
        return self._pairs(node, path)

    # --- problems -----------------------------------------------------------------------------

    def _problems(self, path: str) -> str:
        out = []
        for message in self.errors.get(path, ()):
            out.append(format_html('<span class="field-error" role="alert">{}</span>', message))
        if path in self.errors:
            self.used.add(path)
        for note in self.notes.get(path, ()):
            out.append(format_html('<span class="field-note {}">{}：{}</span>', note.severity, note.label,
                                   note.message))
        return "".join(out)

    def _block_problems(self, path: str) -> str:
        inner = self._problems(path)
        return format_html('<div class="block-problems">{}</div>', mark_safe(inner)) if inner else ""

    # --- scalars ------------------------------------------------------------------------------

    def _input(self, node: Scalar, path: str, *, label: str | None = None) -> str:
        ident = field_id(path)
        value = self.values.get(path)
        if value is None and node.default is not None and node.kind != "flag":
            value = str(node.default)
        value = value or ""
        invalid = mark_safe(' aria-invalid="true"') if path in self.errors else ""
        aria = format_html(' aria-label="{}"', label) if label else ""
        required = mark_safe(" required") if node.required and node.kind != "flag" else ""
        if node.kind == "longtext":
            return format_html('<textarea name="{}" id="{}" rows="2"{}{}>\n{}</textarea>',
                               path, ident, invalid, aria, value)
        if node.kind == "flag":
            checked = mark_safe(" checked") if value else ""
            return format_html('<input type="checkbox" name="{}" id="{}" value="on"{}{}{}>',
                               path, ident, checked, invalid, aria)
        if node.kind == "choice":
            options = []
            if not node.default:
                blank = "请选择" if node.required else "（未填）"
                options.append(format_html('<option value="">{}</option>', blank))
            known = {v for v, _ in node.choices}
            if value and value not in known:  # what was typed or imported, kept to be reported
                options.append(format_html('<option value="{}" selected>{}</option>', value, value))
            for choice, text in node.choices:
                selected = mark_safe(" selected") if choice == value else ""
                options.append(format_html('<option value="{}"{}>{}</option>', choice, selected, text))
            return format_html('<select name="{}" id="{}"{}{}{}>{}</select>', path, ident, invalid, aria,
                               required, mark_safe("".join(options)))
        if node.kind in ("functional", "economic"):
            size = 7 if node.kind == "functional" else 5
            lookup = ""
            if self.code_url:
                lookup = format_html(
                    ' hx-get="{}" hx-trigger="input changed delay:300ms" hx-target="#codes-{}"'
                    ' hx-swap="innerHTML" hx-sync="this:replace"', self.code_url + f"&kind={node.kind}",
                    node.kind)
            name = code_name(node.kind, value, self.year)
            shown = format_html('<small class="code-name">{}</small>', name) if name else ""
            return format_html(
                '<input type="text" class="code" name="{}" id="{}" value="{}" inputmode="numeric"'
                ' maxlength="{}" size="{}" list="codes-{}" autocomplete="off"{}{}{}{}>{}',
                path, ident, value, size + 4, size + 1, node.kind, invalid, aria, required, lookup, shown)
        css = {"amount": "amount", "percent": "amount", "integer": "integer"}.get(node.kind, "text")
        mode = {"amount": ' inputmode="decimal"', "percent": ' inputmode="decimal"',
                "integer": ' inputmode="numeric"'}.get(node.kind, "")
        html = format_html('<input type="text" class="{}" name="{}" id="{}" value="{}"{}{}{}{}'
                           ' autocomplete="off">', css, path, ident, value, mark_safe(mode), invalid, aria,
                           required)
        if node.kind == "percent":
            # the fraction as filed goes back with the form, so a page saved as shown keeps it
            fraction = self.values.get(join(path, FRACTION))
            kept = (format_html('<input type="hidden" name="{}" value="{}">', join(path, FRACTION),
                                fraction) if fraction else "")
            html = format_html('{}<span class="unit">%</span>{}', html, kept)
        return html

    def _field(self, node: Scalar, path: str) -> str:
        mark = mark_safe('<abbr class="req" title="必填">*</abbr>') if node.required and node.kind != "flag" else ""
        hint = format_html('<small class="hint">{}</small>', node.hint) if node.hint else ""
        css = "field " + node.kind
        if node.kind == "flag":
            return format_html('<div class="{}"><label>{} {}</label>{}{}</div>', css,
                               mark_safe(self._input(node, path)), node.label, hint,
                               mark_safe(self._problems(path)))
        return format_html('<div class="{}"><label for="{}">{}{}</label>{}{}{}</div>', css, field_id(path),
                           node.label, mark, mark_safe(self._input(node, path)), hint,
                           mark_safe(self._problems(path)))

    def _fields(self, nodes: Iterable[Scalar], prefix: str) -> str:
        inner = "".join(self._field(n, join(prefix, n.name)) for n in nodes)
        return format_html('<div class="fields">{}</div>', mark_safe(inner))

    # --- groups -------------------------------------------------------------------------------

    def _group_body(self, node: Group, path: str) -> str:
        parts = [self._block_problems(path)]
        scalars = [f for f in node.fields if isinstance(f, Scalar)]
        if scalars:
            parts.append(self._fields(scalars, path))
        for child in node.fields:
            if not isinstance(child, Scalar):
                parts.append(self.node(child, join(path, child.name)))
        return "".join(parts)

    def _group(self, node: Group, path: str) -> str:
        control = ""
        if node.optional:
            present = join(path, PRESENT)
            if present in self.values:
                omit = join(path, OMIT)
                checked = mark_safe(" checked") if self.values.get(omit) else ""
                control = format_html(
                    '<input type="hidden" name="{}" value="1"><label class="omit"><input type="checkbox"'
                    ' name="{}" value="on"{}> 删除此部分</label>', present, omit, checked)
            else:
                control = mark_safe('<small class="hint">尚未填写；填写任一项即加入此部分。</small>')
        hint = format_html('<small class="hint">{}</small>', node.hint) if node.hint else ""
        return format_html('<fieldset class="group" id="{}"><legend>{}</legend>{}{}{}</fieldset>',
                           "g-" + field_id(path), node.label, control, hint,
                           mark_safe(self._group_body(node, path)))

    # --- rows ---------------------------------------------------------------------------------

    def _indices(self, path: str) -> list[int]:
        prefix = path + "."
        found = set()
        for key in self.values:
            if key.startswith(prefix):
                head = key[len(prefix):].split(".", 1)[0]
                if head.isdecimal() and len(head) <= 6:
                    found.add(int(head))
        indices = sorted(found)
        extra = self.extra_rows.get(path, 0)
        start = (indices[-1] + 1) if indices else 0
        return indices + list(range(start, start + extra))

    def _delete(self, row: str) -> str:
        checked = mark_safe(" checked") if self.values.get(join(row, DELETE)) else ""
        marker = (format_html('<input type="hidden" name="{}" value="1">', join(row, ROW))
                  if join(row, ROW) in self.values else "")
        return format_html('{}<label class="delete"><input type="checkbox" name="{}" value="on"{}'
                           ' data-delete-row> 删除</label>', marker, join(row, DELETE), checked)

    def _add_button(self, path: str, label: str) -> str:
        return format_html('<button type="submit" class="add-row" name="_add" value="{}" data-add-row="{}"'
                           ' formnovalidate>增加{}</button>', path, path, label)

    # --- pages of long lists -------------------------------------------------------------------

    def _number(self, path: str, index: int) -> str:
        """The row number shown: the row's number in the saved list; new rows of a page have none."""
        shown = self.shown.get(path)
        if shown is not None and index not in shown:
            return "新"
        return str(index + 1)

    def _page_link(self, page: int, query: str) -> str:
        params = {"page": str(page), **({"q": query} if query else {})}
        return self.page_url + "?" + urlencode(params)

    def _pager(self, path: str, label: str, *, top: bool) -> str:
        """Page links (and above the list: a summary, a page box and a filter) of a long list."""
        win = self.windows.get(path)
        if win is None:
            return ""
        ident = field_id(path)
        links: list[str] = []

        def link(page: int, text: str, rel: str = "") -> str:
            if page == win.page or not 1 <= page <= win.pages:
                return format_html('<span class="off">{}</span>', text)
            return format_html('<a href="{}" data-page-link{}>{}</a>', self._page_link(page, win.query),
                               format_html(' rel="{}"', rel) if rel else "", text)

        links.append(link(1, "首页"))
        links.append(link(win.page - 1, "‹ 上一页", "prev"))
        near = sorted({1, win.pages, *range(max(1, win.page - 2), min(win.pages, win.page + 2) + 1)})
        previous = 0
        for page in near:
            if page > previous + 1:
                links.append(mark_safe('<span class="gap">…</span>'))
            links.append(format_html('<span class="current" aria-current="page">{}</span>', page)
                         if page == win.page else link(page, str(page)))
            previous = page
        links.append(link(win.page + 1, "下一页 ›", "next"))
        links.append(link(win.pages, "末页"))
        nav = format_html('<nav class="pager-links" aria-label="{}">{}</nav>',
                          f"“{label}”分页" + ("" if top else "（页末）"), mark_safe(" ".join(links)))
        if not top:
            return format_html('<div class="pager bottom">{}</div>', nav)
        found = format_html("，筛选“{}”得 {} 行", win.query, f"{win.matched:,}") if win.query else ""
        where = (format_html("第 {}–{} 行", f"{win.first:,}", f"{win.last:,}") if win.shown
                 else mark_safe("没有符合筛选条件的行"))
        summary = format_html('<p class="pager-summary">共 {} 行{}。第 {} / {} 页（{}）。本页只保存本页的行，'
                              '其他页不受影响；换页前请先保存。</p>', f"{win.total:,}", found, win.page, win.pages, where)
        jump_id, filter_id = f"jump-{ident}", f"filter-{ident}"
        self.outside.append(format_html(
            '<form id="{}" method="get" action="{}" class="pager-form" data-page-form>{}</form>'
            '<form id="{}" method="get" action="{}" class="pager-form" data-page-form></form>',
            jump_id, self.page_url,
            format_html('<input type="hidden" name="q" value="{}">', win.query) if win.query else "",
            filter_id, self.page_url))
        clear = (format_html(' <a href="{}" data-page-link>清除筛选</a>', self._page_link(1, ""))
                 if win.query else "")
        tools = format_html(
            '<div class="pager-tools">'
            '<label>转到第 <input type="number" name="page" form="{}" min="1" max="{}" value="{}" class="integer"'
            ' aria-label="页码"> 页</label> <button type="submit" form="{}">转到</button>'
            '<label>按编码或名称筛选 <input type="search" name="q" form="{}" value="{}" maxlength="50"'
            ' placeholder="如 2010601 或 行政运行"></label> <button type="submit" form="{}">筛选</button>{}</div>',
            jump_id, win.pages, win.page, jump_id, filter_id, win.query, filter_id, clear)
        return format_html('<div class="pager">{}{}{}</div>', summary, nav, tools)

    def _identity(self, path: str) -> str:
        shown = self.shown.get(path)
        if shown is None:
            return ""
        return format_html('<input type="hidden" name="{}" value="{}">', f"{SHOWN}.{path}", encode(shown))

    def _rows(self, node: Rows, path: str) -> str:
        item = node.item
        flat = isinstance(item, Scalar) or item.flat
        indices = self._indices(path)
        hint = format_html('<small class="hint">{}</small>', node.hint) if node.hint else ""
        nothing = "没有符合筛选条件的行。" if self.windows.get(path) and self.windows[path].query else "尚无数据。"
        if flat:
            columns = [item] if isinstance(item, Scalar) else [f for f in item.fields if isinstance(f, Scalar)]
            head = "".join(format_html('<th scope="col" class="{}">{}{}</th>', c.kind, c.label or node.label,
                                       mark_safe('<abbr class="req" title="必填">*</abbr>')
                                       if c.required and c.kind != "flag" else "")
                           for c in columns)
            body = "".join(self._table_row(columns, join(path, i), self._number(path, i)) for i in indices)
            template = self._table_row(columns, join(path, NEW), "")
            empty = "" if indices else format_html('<tr class="empty-row"><td colspan="{}">{}</td></tr>',
                                                   len(columns) + 2, nothing)
            table = format_html(
                '<div class="table-scroll"><table class="rows"><thead><tr><th scope="col">序号</th>{}'
                '<th scope="col"><span class="visually-hidden">删除</span></th></tr></thead>'
                '<tbody id="{}">{}{}</tbody></table></div><template id="{}">{}</template>',
                mark_safe(head), "rows-" + field_id(path), mark_safe(empty), mark_safe(body),
                "tpl-" + field_id(path), mark_safe(template))
            add = self._add_button(path, "一行")
        else:
            assert isinstance(item, Group)
            body = "".join(self._card(item, join(path, i), self._number(path, i), node.label) for i in indices)
            template = self._card(item, join(path, NEW), "", node.label)
            empty = "" if indices else format_html('<p class="empty-row">{}</p>', nothing)
            table = format_html('<div class="cards" id="{}">{}{}</div><template id="{}">{}</template>',
                                "rows-" + field_id(path), empty, mark_safe(body), "tpl-" + field_id(path),
                                mark_safe(template))
            add = self._add_button(path, "一项")
        return format_html('<section class="rows-block" data-rows="{}"><h3>{}</h3>{}{}{}{}{}{}{}</section>', path,
                           node.label, hint, mark_safe(self._block_problems(path)),
                           mark_safe(self._identity(path)), mark_safe(self._pager(path, node.label, top=True)),
                           table, mark_safe(add), mark_safe(self._pager(path, node.label, top=False)))

    def _table_row(self, columns: list[Scalar], row: str, number: str) -> str:
        cells = []
        for column in columns:
            path = row if not column.name else join(row, column.name)
            cells.append(format_html('<td class="{}">{}{}</td>', column.kind,
                                     mark_safe(self._input(column, path, label=column.label or "内容")),
                                     mark_safe(self._problems(path))))
        problems = self._problems(row)
        problem_row = (format_html('<tr class="row-problems"><td colspan="{}">{}</td></tr>', len(columns) + 2,
                                   mark_safe(problems)) if problems else "")
        return format_html('<tr data-row><th scope="row" class="n">{}</th>{}<td>{}</td></tr>{}', number,
                           mark_safe("".join(cells)), mark_safe(self._delete(row)), problem_row)

    def _card(self, item: Group, row: str, number: str, label: str) -> str:
        number = f"第 {number} 项" if number.isdecimal() else ("（新增）" if number else "")
        return format_html('<fieldset class="card" data-row><legend>{} {}</legend>{}{}</fieldset>', label,
                           number, mark_safe(self._delete(row)), mark_safe(self._group_body(item, row)))

    # --- pairs --------------------------------------------------------------------------------

    def _pairs(self, node: Pairs, path: str) -> str:
        indices = self._indices(path)
        present = join(path, PRESENT)
        marker = format_html('<input type="hidden" name="{}" value="1">', present) if present in self.values else ""
        columns = [node.key, node.value]
        head = "".join(format_html('<th scope="col">{}</th>', c.label) for c in columns)
        body = "".join(self._pair_row(node, join(path, i), self._number(path, i)) for i in indices)
        template = self._pair_row(node, join(path, NEW), "")
        nothing = "没有符合筛选条件的行。" if self.windows.get(path) and self.windows[path].query else "尚无数据。"
        empty = "" if indices else format_html('<tr class="empty-row"><td colspan="4">{}</td></tr>', nothing)
        hint = format_html('<small class="hint">{}</small>', node.hint) if node.hint else ""
        return format_html(
            '<section class="rows-block" data-rows="{}"><h3>{}</h3>{}{}{}{}{}<div class="table-scroll">'
            '<table class="rows pairs"><thead><tr><th scope="col">序号</th>{}<th scope="col">'
            '<span class="visually-hidden">删除</span></th></tr></thead><tbody id="{}">{}{}</tbody></table></div>'
            '<template id="{}">{}</template>{}{}</section>',
            path, node.label, hint, marker, mark_safe(self._block_problems(path)), mark_safe(self._identity(path)),
            mark_safe(self._pager(path, node.label, top=True)), mark_safe(head),
            "rows-" + field_id(path), empty, mark_safe(body), "tpl-" + field_id(path), mark_safe(template),
            mark_safe(self._add_button(path, "一行")), mark_safe(self._pager(path, node.label, top=False)))

    def _pair_row(self, node: Pairs, row: str, number: str) -> str:
        return self._table_row([node.key, node.value], row, number)


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-")


def code_name(kind: str, code: str | None, year: int | None) -> str:
    """The name of a code in the year's list, or why there is none."""
    if not code or year is None:
        return ""
    code = code.strip()
    listing = codes.functional() if kind == "functional" else codes.economic()
    if not listing.covers(year):
        return ""
    entry = listing.lookup(year, code)
    if entry is not None:
        return entry.name
    if any(e.code == code for e in listing.entries):
        return f"此编码在 {year} 年已不适用"
    return f"科目表中未收录（{year} 年）"


def code_options(kind: str, year: int, query: str, limit: int = 40) -> list[tuple[str, str]]:
    """Codes of the year's list that start with ``query`` (or whose name contains it): 项 codes
    for 功能分类, 款 codes for 经济分类."""
    listing = codes.functional() if kind == "functional" else codes.economic()
    length = 7 if kind == "functional" else 5
    query = query.strip()
    found: list[tuple[str, str]] = []
    for entry in sorted(listing.entries, key=lambda e: e.code):
        if len(entry.code) != length or not entry.valid_in(year):
            continue
        if query and not (entry.code.startswith(query) or query in entry.name):
            continue
        found.append((entry.code, entry.name))
        if len(found) >= limit:
            break
    return found

