"""HTML rendering: the page parsed back, checked against the document and its tables."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape
from PIL import Image
from tinyhtml5.parser import HTMLParser as Html5Parser

from juesuan.content import Document, Part, Section
from juesuan.document.build import build_document
from juesuan.document.typeset import full_width, typeset_document
from juesuan.filing.io import load_filing
from juesuan.render.html import (
    KEEP_ROWS,
    LANDSCAPE_ABOVE,
    TAIL,
    chart_data,
    column_weights,
    document_to_html,
    heading_text,
)
from juesuan.render.layout import grid
from juesuan.tables.table import RowKind, Table

ROOT = Path(__file__).resolve().parents[2]
ECHARTS = ROOT / "src" / "juesuan" / "render" / "static" / "echarts.min.js"
CHROMIUM = Path("/usr/bin/chromium")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
# URLs that are strings inside the vendored library (licence, XML namespaces), never fetched.
LIBRARY_URLS = {
    "http://www.apache.org/licenses/LICENSE-2.0",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/XML/1998/namespace",
    "https://github.com/ecomfe/zrender/blob/master/LICENSE",
}


# ---------------------------------------------------------------------------- a small DOM


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and (cls is None or cls in child.classes):
                    found.append(child)
                found.extend(child.iter(tag, cls))
        return found

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.iter(tag, cls)
        assert found, f"no <{tag} class={cls}> under <{self.tag}>"
        return found[0]


class TreeBuilder(HTMLParser):
    """Builds a tree and refuses a page whose end tags do not match its start tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID, f"end tag for void element <{tag}>"
        open_tag = self.stack[-1].tag
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> TreeBuilder:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert len(builder.stack) == 1, f"unclosed: {[n.tag for n in builder.stack[1:]]}"
    return builder


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def shanghai() -> Document:
    return build_document(load_filing(ROOT / "examples" / "shanghai-putuo-czj-2024.yaml").filing)


@pytest.fixture(scope="module")
def html(document: Document) -> str:
    return document_to_html(document)


@pytest.fixture(scope="module")
def static_html(document: Document) -> str:
    return document_to_html(document, interactive=False)


@pytest.fixture(scope="module")
def page(html: str) -> Node:
    return parse(html).root


@pytest.fixture(scope="module")
def static_page(static_html: str) -> Node:
    return parse(static_html).root


@pytest.fixture(scope="module")
def shanghai_page(shanghai: Document) -> Node:
    return parse(document_to_html(shanghai)).root


def data_tables(root: Node) -> list[Node]:
    return root.iter("table", "data")


def expected_figures(table: Table) -> list[str]:
    """Every non-blank value cell of a table as printed (thousands, the column's places)."""
    g = grid(table)
    return [
        g.text_at(line, col, thousands=True)
        for line in g.lines
        for col, column in enumerate(g.columns)
        if column.kind == "value" and isinstance(g.value_at(line, col), Decimal)
    ]


# ---------------------------------------------------------------------------- the page


def test_page_shell(html: str) -> None:
    builder = parse(html)
    assert builder.doctype.lower() == "doctype html"
    root = builder.root.find("html")
    assert root.attrs["lang"] == "zh-CN"
    head = root.find("head")
    assert head.children and any(m.attrs.get("charset") == "utf-8" for m in head.iter("meta"))
    assert head.find("title").text() == "测试局2024年度部门决算"
    assert "@page" in head.find("style").text()
    assert root.find("h1", "doc-title").text() == "测试局2024年度部门决算"


def test_html5_parser_reports_no_error(html: str, static_html: str, shanghai: Document) -> None:
    """The WHATWG parsing algorithm (tinyhtml5, WeasyPrint's parser) finds nothing to repair."""
    for text in (html, static_html, document_to_html(shanghai, interactive=False)):
        parser = Html5Parser()
        parser.parse(text)
        assert parser.errors == []


def test_ids_are_unique(page: Node, static_page: Node, shanghai_page: Node) -> None:
    for root in (page, static_page, shanghai_page):
        ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs]
        duplicates = [i for i, n in Counter(ids).items() if n > 1]
        assert not duplicates


@pytest.mark.parametrize("which", ["page", "shanghai_page"])
def test_contents_link_every_part_and_section(which: str, request: pytest.FixtureRequest) -> None:
    root: Node = request.getfixturevalue(which)
    ids = {n.attrs["id"]: n for n in root.iter() if "id" in n.attrs}
    toc = root.find("nav", "toc")
    links = [a for a in toc.iter("a")]
    assert links
    for a in links:
        href = a.attrs["href"]
        assert href.startswith("#")
        target = ids.get(href[1:])
        assert target is not None, f"目录 link {href} resolves to nothing"
        # The link text is the heading of the part or section it points to.
        heading = next(n for n in target.iter() if re.fullmatch(r"h[1-6]", n.tag))
        assert heading.text() == a.text()
    doc_headings = [n.text() for n in root.find("main").iter()
                    if re.fullmatch(r"h[1-6]", n.tag) and n.attrs.get("class") != "table-title"]
    assert [a.text() for a in links] == doc_headings  # every heading, in order


def test_every_section_is_in_the_contents(document: Document, page: Node) -> None:
    toc_text = [a.text() for a in page.find("nav", "toc").iter("a")]
    headings = [p.heading for p in document.parts] + [s.heading for s in document.sections()]
    assert sorted(toc_text) == sorted(full_width(h) for h in headings)


# ---------------------------------------------------------------------------- tables


@pytest.mark.parametrize("which", ["document", "shanghai"])
def test_tables_have_their_titles_and_figures(which: str, request: pytest.FixtureRequest) -> None:
    doc: Document = request.getfixturevalue(which)
    root = parse(document_to_html(doc)).root
    tables = doc.tables()
    blocks = root.iter("div", "table-block")
    blocks = [b for b in blocks if b.iter("table", "data")]
    assert len(blocks) == len(tables)
    for block, table in zip(blocks, tables, strict=True):
        assert block.find("p", "table-title").text() == full_width(table.heading)
        if table.unit:
            assert block.find("span", "table-unit").text() == f"单位：{table.unit}"
        assert [p.text() for p in block.iter("p", "table-note")] == list(table.notes)
        cells = block.find("table").find("tbody").iter("td")
        figures = [c.text() for c in cells if "num" in c.classes and c.text()]
        assert Counter(figures) == Counter(expected_figures(table)), table.heading
        names = {c.text() for c in cells if "name" in c.classes}
        assert {full_width(r.name) for r in table.rows} <= names


def test_shanghai_figures_are_formatted_as_printed(shanghai_page: Node) -> None:
    text = shanghai_page.find("main").text()
    assert "2,940.06" in text and "2,995.40" in text  # 表1 一般公共预算财政拨款收入, 总计


def test_header_cells_carry_the_grid_spans(document: Document, page: Node) -> None:
    for table, element in zip(document.tables(), data_tables(page), strict=True):
        g = grid(table)
        rows = element.find("thead").iter("tr")
        assert len(rows) == g.depth
        for r, tr in enumerate(rows):
            got = [(th.text(), int(th.attrs.get("rowspan", 1)), int(th.attrs.get("colspan", 1)))
                   for th in tr.iter("th")]
            want = [(c.text, c.rowspan, c.colspan) for c in g.header if c.row == r]
            assert got == want, table.heading
        cols = element.find("colgroup").iter("col")
        assert len(cols) == len(g.columns)


def test_merged_headers_use_rowspan_and_colspan(page: Node) -> None:
    table1 = data_tables(page)[0]
    ths = table1.find("thead").iter("th")
    banner = next(th for th in ths if th.text() == "收入")
    assert banner.attrs["colspan"] == "2" and banner.attrs["scope"] == "colgroup"
    table7 = data_tables(page)[6]  # 三公: groups over 预算数 / 决算数
    ths = table7.find("thead").iter("th")
    assert any("rowspan" in th.attrs for th in ths)
    assert any(int(th.attrs.get("colspan", 1)) >= 2 for th in ths)
    stub = next(th for th in ths if th.text() == "项目")
    assert int(stub.attrs["rowspan"]) == len(table7.find("thead").iter("tr"))


def test_numbers_right_aligned_blanks_empty_totals_bold(
    document: Document, page: Node, html: str
) -> None:
    css = html[html.index("<style>") : html.index("</style>")]
    assert re.search(r"td\.num\s*\{[^}]*text-align:\s*right", css)
    assert re.search(r"td\.total\s*\{[^}]*font-weight:\s*bold", css)
    table1 = document.tables()[0]
    element = data_tables(page)[0]
    body = element.find("tbody").iter("tr")
    g = grid(table1)
    for line, tr in zip(g.lines, body, strict=True):
        tds = tr.iter("td")
        for col, td in enumerate(tds):
            value = g.value_at(line, col)
            if g.columns[col].kind == "value":
                assert "num" in td.classes
                assert td.text() == ("" if value is None else g.text_at(line, col, thousands=True))
                assert not td.children or value is not None  # blank cells are empty
            row = g.row_at(line, col)
            assert ("total" in td.classes) == (row is not None and row.kind is RowKind.TOTAL)
    totals = [tr.text() for tr in body if "total" in tr.classes]
    assert any("本年收入合计" in t for t in totals) and any("总计" in t for t in totals)


def test_side_by_side_sections_are_parted(page: Node) -> None:
    table1 = data_tables(page)[0]
    assert "side-by-side" in table1.classes
    first_row = table1.find("tbody").find("tr").iter("td")
    assert ["part-start" in td.classes for td in first_row] == [False, False, True, False]
    # The double rule is drawn on the right of the left section's last column.
    assert ["part-end" in td.classes for td in first_row] == [False, True, False, False]
    banner, *_ = table1.find("thead").iter("th")
    assert "part-end" in banner.classes  # 收入, over the left section

def test_names_are_indented_by_level(shanghai_page: Node, shanghai: Document) -> None:
    table3 = data_tables(shanghai_page)[3]  # 表3 支出决算表 (index 0 is 单位构成)
    levels = {td.text(): td.classes for td in table3.iter("td") if "name" in td.classes}
    for row in shanghai.tables()[3].coded_rows():
        want = {1: None, 2: "indent-1", 3: "indent-2"}[row.level]
        assert ((want is None and not any(c.startswith("indent") for c in levels[row.name]))
                or want in levels[row.name]), row.name


# ---------------------------------------------------------------------------- charts


def test_charts_have_their_data_tables(document: Document, page: Node, static_page: Node) -> None:
    for root in (page, static_page):
        figures = root.iter("figure", "chart")
        assert len(figures) == len(document.charts()) == 3
        for figure, chart in zip(figures, document.charts(), strict=True):
            assert figure.find("figcaption").text() == full_width(chart.title)
            data = figure.find("table", "chart-data")
            head, rows = chart_data(chart)
            assert [th.text() for th in data.find("thead").iter("th")] == head
            got = [[c.text() for c in tr.children if isinstance(c, Node)]
                   for tr in data.find("tbody").iter("tr")]
            assert got == rows


def test_chart_data_tables_print_decimals_half_up() -> None:
    from juesuan.content import Chart, Series

    chart = Chart("c", "收入结构", "pie", ("甲", "乙", "丙"),
                  (Series("决算数", (Decimal("1.225"), Decimal("2"), None)),))
    head, rows = chart_data(chart)
    assert head == ["项目", "决算数", "占比（%）"]
    # 1.225 / 3.225 = 37.984…% and 2 / 3.225 = 62.015…%, half-up to 0.01.
    assert rows == [["甲", "1.23", "37.98"], ["乙", "2.00", "62.02"], ["丙", "", ""]]


def test_interactive_charts_use_echarts(document: Document, page: Node, html: str) -> None:
    library = ECHARTS.read_text(encoding="utf-8")
    assert html.count(library[:2000]) == 1  # inlined once, unchanged
    assert html.count('id="echarts-library"') == 1
    for figure, chart in zip(page.iter("figure", "chart"), document.charts(), strict=True):
        canvas = figure.find("div", "echart")
        source = next(s for s in figure.iter("script") if s.attrs.get("id") ==
                      canvas.attrs["data-option"])
        assert source.attrs["type"] == "application/json"
        option = json.loads(source.text())
        assert option["animation"] is False
        series = option["series"]
        assert series[0]["type"] == ("pie" if chart.kind == "pie" else "bar")
        if chart.kind == "grouped_bar":
            assert [s["name"] for s in series] == [s.name for s in chart.series]
            labels = [d["label"]["formatter"] for d in series[0]["data"]]
            assert labels == ["1,700.00", "10.00"]


def test_static_charts_are_inline_svg_without_script(static_page: Node, static_html: str) -> None:
    assert "<script" not in static_html
    for figure in static_page.iter("figure", "chart"):
        svg = figure.find("svg")
        assert svg.attrs["viewbox"]
    ids = [n.attrs["id"] for n in static_page.iter() if "id" in n.attrs]
    assert len(ids) == len(set(ids))  # chart SVG ids are prefixed per chart


def test_no_echarts_without_charts(document: Document) -> None:
    def strip(sections: tuple[Section, ...]) -> tuple[Section, ...]:
        return tuple(replace(s, charts=(), subsections=strip(s.subsections)) for s in sections)

    plain = replace(document, parts=tuple(Part(p.key, p.heading, strip(p.sections))
                                          for p in document.parts))
    assert "echarts" not in document_to_html(plain)


def test_offline_no_url_anywhere(html: str, static_html: str) -> None:
    library = ECHARTS.read_text(encoding="utf-8")
    assert set(re.findall(r"https?://[^\s\"')]+", library)) <= LIBRARY_URLS
    rest = html.replace(library, "")
    assert rest != html
    for text in (rest, static_html):
        assert not re.search(r"https?:", text)
        assert not re.search(r"\b(src|href)=\"(?!#)", text)  # only in-page links
        assert "@import" not in text and "url(http" not in text


# ---------------------------------------------------------------------------- text


def test_placeholders_are_marked(page: Node, html: str) -> None:
    marks = [m.text() for m in page.iter("mark", "placeholder")]
    assert marks == ["【待填写：机构设置】", "【待填写：增减原因】"]
    assert '<mark class="placeholder">【待填写：增减原因】</mark>' in html


def test_text_is_escaped(html: str, page: Node) -> None:
    assert "比较 a &lt; b &amp; c &gt; d 的“说明”。" in html
    assert "不符 <b>" not in html
    assert not page.iter("b")


@pytest.mark.parametrize("which", ["document", "shanghai"])
def test_the_public_page_prints_no_finding(which: str, request: pytest.FixtureRequest) -> None:
    """The checks' findings belong to the review: no 检查结果, rule, field path or message."""
    doc: Document = request.getfixturevalue(which)
    assert doc.findings
    library = ECHARTS.read_text(encoding="utf-8")
    for text in (document_to_html(doc).replace(library, ""),
                 document_to_html(doc, interactive=False)):
        assert "检查结果" not in text and 'id="findings"' not in text
        assert "错误须在公开前更正" not in text
        for finding in doc.findings:
            assert escape(finding.message) not in text
            assert f">{finding.rule}<" not in text
            if finding.location.path:
                assert finding.location.path not in text
            if finding.expected:
                assert f"应为：{finding.expected}" not in text


def test_output_is_deterministic(document: Document, html: str, static_html: str) -> None:
    assert document_to_html(document) == html
    assert document_to_html(document, interactive=False) == static_html


# ---------------------------------------------------------------------------- the cover


def test_cover_has_the_title_in_two_lines_and_the_notices(document: Document) -> None:
    doc = replace(document, notices=("本例的明细是重建的。", "金额单位：万元"))
    cover = parse(document_to_html(doc)).root.find("header", "cover")
    title = cover.find("h1", "doc-title")
    assert title.text() == doc.title
    # The department's name, then the year and 部门决算, as the published reports print it.
    assert [line.text() for line in title.iter("span", "title-line")] == ["测试局", "2024年度部门决算"]
    assert "title-large" in title.classes
    assert [p.text() for p in cover.iter("p", "notice")] == list(doc.notices)
    assert not parse(document_to_html(document)).root.find("header", "cover").iter("p", "notice")


def test_a_long_title_prints_smaller(document: Document) -> None:
    sizes = []
    for name in ("测试局", "上海市普陀区人民政府长征镇社区事务所", "上海市普陀区人民政府长征镇社区事务受理服务中心"):
        doc = replace(document, department=name, title=f"{name}2024年度部门决算")
        title = parse(document_to_html(doc)).root.find("h1", "doc-title")
        assert title.iter("span", "title-line")[0].text() == name
        sizes.append(next(c for c in title.classes if c.startswith("title-")))
    assert sizes == ["title-large", "title-medium", "title-small"]


# ---------------------------------------------------------------------------- what is printed


def test_prose_is_printed_with_full_width_punctuation(document: Document) -> None:
    section = Section("overview.ascii", "三、说明(试行)", ("单位名称:测试局,编制2人。",))
    part = replace(document.parts[0], sections=(*document.parts[0].sections, section))
    typed = replace(document, parts=(part, *document.parts[1:]))
    root = parse(document_to_html(typeset_document(typed))).root  # as the builder gives it
    texts = [p.text() for p in root.find("main").iter("p", "text")]
    assert "单位名称：测试局，编制2人。" in texts
    assert "三、说明（试行）" in [h.text() for h in root.find("main").iter("h2")]


@pytest.mark.parametrize(("heading", "halves"), [
    ("第二部分 随州市政务服务和大数据管理局2020年决算情况说明",
     ("第二部分 随州市政务服务和大数据管理局", "2020年决算情况说明")),
    ("第三部分 四川省绵阳市审计局（合成1）2021年度部门决算情况说明",
     ("第三部分 四川省绵阳市审计局", "（合成1）2021年度部门决算情况说明")),
])
def test_a_long_heading_is_parted_in_two_balanced_halves(heading: str, halves: tuple[str, ...]) -> None:
    node = parse(f"<h1>{heading_text(heading)}</h1>").root.find("h1")
    assert tuple(span.text() for span in node.iter("span", "half")) == halves
    assert node.iter("span", "half")[1].find("span", "tail").text() == heading[-TAIL:]


@pytest.mark.parametrize("which", ["page", "shanghai_page"])
def test_long_headings_leave_no_character_alone(which: str, request: pytest.FixtureRequest) -> None:
    """Every heading, table title, chart title and 目录 entry ends with at least TAIL
    characters that cannot be parted (or is two halves, each kept to one line on paper)."""
    root: Node = request.getfixturevalue(which)
    css = root.find("style").text()
    assert re.search(r"\.tail\s*\{\s*white-space:\s*nowrap", css)
    assert re.search(r"\.half\s*\{\s*white-space:\s*nowrap", css)
    titles = [n for n in root.find("body").iter()
              if re.fullmatch(r"h[1-6]", n.tag) or n.tag in ("figcaption", "a")
              or "table-title" in n.classes]
    assert len(titles) > 20
    for node in titles:
        text = node.text()
        if len(text) <= TAIL + 1 or (node.tag == "h1" and "doc-title" in node.classes):
            continue
        last = node
        while last.children and isinstance(last.children[-1], Node):
            last = last.children[-1]  # the innermost element that ends the heading
        assert "tail" in last.classes, text
        assert len(last.text()) >= TAIL and text.endswith(last.text()), text


# ---------------------------------------------------------------------------- print layout


def test_empty_parts_are_left_out(document: Document) -> None:
    empty = Part("attachments", "附件", ())
    root = parse(document_to_html(replace(document, parts=(*document.parts, empty)))).root
    assert "附件" not in root.find("nav", "toc").text()
    assert [p.attrs["id"] for p in root.find("main").iter("section", "part")] == [
        "part-overview", "part-tables", "part-explanation"]


def test_wide_tables_take_landscape_sections(shanghai: Document, shanghai_page: Node) -> None:
    """A section is wide (landscape pages, from its heading to its end) exactly when it
    holds a table wider than LANDSCAPE_ABOVE; the part's heading shares its first page."""
    sections = {s.attrs["id"]: s for s in shanghai_page.find("main").iter("section", "section")}
    widths = {f"sec-{s.key.replace('.', '-')}": [sum(column_weights(grid(t))) for t in s.tables]
              for s in shanghai.sections()}
    assert any(w > LANDSCAPE_ABOVE for ws in widths.values() for w in ws)
    for sid, section in sections.items():
        wide = any(w > LANDSCAPE_ABOVE for w in widths[sid])
        assert ("wide" in section.classes, "narrow" in section.classes) == (wide, not wide), sid
    for part in shanghai_page.find("main").iter("section", "part"):
        first = part.find("section", "section")
        assert ("wide" in part.find("h1").classes) == ("wide" in first.classes)
    css = shanghai_page.find("style").text()
    assert re.search(r"@page wide\s*\{\s*size:\s*A4 landscape", css)
    assert re.search(r"section\.wide, h1\.wide\s*\{\s*page:\s*wide", css)


def test_each_table_of_the_tables_part_starts_a_page(shanghai_page: Node) -> None:
    part = shanghai_page.find("section", "part-tables")
    sections = [s for s in part.children if isinstance(s, Node) and s.tag == "section"]
    assert len(sections) == 9
    assert ["new-page" in s.classes for s in sections] == [False] + [True] * 8


def test_first_and_last_rows_keep_together(shanghai: Document, shanghai_page: Node) -> None:
    for table, element in zip(shanghai.tables(), data_tables(shanghai_page), strict=True):
        rows = element.find("tbody").iter("tr")
        n = len(rows)
        assert n == len(grid(table).lines)
        for i, tr in enumerate(rows):
            assert ("keep-next" in tr.classes) == (i < KEEP_ROWS - 1), (table.heading, i)
            assert ("keep-prev" in tr.classes) == (i > n - KEEP_ROWS), (table.heading, i)


# ---------------------------------------------------------------------------- small screens


def test_stub_columns_are_held_on_small_screens(shanghai: Document, shanghai_page: Node) -> None:
    """The stub (科目编码 and 科目名称, or the left section's 项目) is marked to stay in view
    when the table scrolls sideways; the second stub column is held where the first ends."""
    for table, element in zip(shanghai.tables(), data_tables(shanghai_page), strict=True):
        g = grid(table)
        weights = column_weights(g)
        stubs = 2 if table.hierarchical else 1
        for tr in element.find("tbody").iter("tr"):
            marks = ["stub" in td.classes for td in tr.iter("td")]
            assert marks == [True] * stubs + [False] * (len(g.columns) - stubs), table.heading
        style = element.attrs["style"]
        assert f"--table-em: {sum(weights) / 2:g}em" in style
        assert f"--stub-1: {weights[0] / 2:g}em" in style
    css = shanghai_page.find("style").text()
    assert re.search(r"\.table-scroll\s*\{\s*overflow-x:\s*auto", css)
    assert re.search(r"table\.data \.stub\s*\{\s*position:\s*sticky", css)


# ---------------------------------------------------------------------------- a browser


def chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--no-first-run", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", *args, url],
        capture_output=True, timeout=120, check=False,
    )


@pytest.mark.skipif(not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None,
                    reason="/usr/bin/chromium is not installed (apt-get install chromium)")
def test_chromium_renders_the_page(html: str, tmp_path: Path) -> None:
    page = tmp_path / "document.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "shot.png"
    result = chromium(tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1200,1600")
    assert shot.exists(), result.stderr.decode(errors="replace")[-2000:]
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 1600)
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 2000, "the screenshot is blank"
    # After the scripts ran, ECharts has drawn an SVG into every chart, with no network.
    dom = chromium(tmp_path, page.as_uri(), "--dump-dom", "--virtual-time-budget=5000")
    rendered = dom.stdout.decode("utf-8", errors="replace")
    canvases = re.findall(r'<div class="chart-canvas echart"[^>]*>(.*?)</figure>', rendered, re.S)
    assert len(canvases) == 3
    assert all("<svg" in c for c in canvases)
