"""End-to-end fuzz of the audit: any file, in any format, gives findings or a clear error.

Random, truncated, damaged and mis-encoded reports of every kind (.txt in UTF-8,
GB18030, UTF-16 or random bytes; .html with random markup, broken tables, huge
rowspan/colspan and a wrong charset; .pdf truncated or damaged from the fixtures;
.docx as random ZIPs, random document.xml and truncated real DOCX; pasted text with
random " | " tables, random numbers and the real reports' headings shuffled; the real
reports with strings inserted into their items, shares, amounts and table rows; the PDF
as read with blocks and figures changed) go through ``audit(read_report(path))`` and
through ``juesuan audit FILE --format json``. The outcome is findings (exit code 0 or 1,
valid JSON) or a clear error (exit code 2, a Chinese message that names the file) —
never a traceback, never a hang: every call is timed against a wall-clock budget
(``BUDGET``). ``pytest --hypothesis-show-statistics`` counts the outcomes.

The crashes and slow cases the fuzz found are kept as plain tests at the end.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import random
import re
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from typer.testing import CliRunner

from juesuan.audit.check import AuditResult, audit
from juesuan.audit.claim_model import TOPIC_NAMES
from juesuan.audit.readers import ReportReadError, read_report
from juesuan.audit.source import Grid, Line, SourceDocument
from juesuan.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPORT_FILES = sorted((FIXTURES / "reports").glob("*.txt"))
PDF_FILES = sorted((FIXTURES / "pdfs").glob("0*.pdf"))

# A hang guard, not a speed test (speed is measured in benchmarks/bench_audit.py): one
# file, read + audit or one `juesuan audit` run, must finish, even on a loaded CI machine.
BUDGET = 60.0
CJK = re.compile(r"[\u4e00-\u9fff]")

runner = CliRunner()
pytestmark = [
    pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning"),  # the random ZIPs
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
FEW = settings(FUZZ, max_examples=12)


# --- material from the real reports ---------------------------------------------------------

REPORT_TEXTS = [path.read_text(encoding="utf-8") for path in REPORT_FILES]
ALL_LINES = [line for text in REPORT_TEXTS for line in text.splitlines() if line.strip()]
TABLE_LINES = sorted({line for line in ALL_LINES if " | " in line})
TEXT_LINES = sorted({line for line in ALL_LINES if " | " not in line})
HEADINGS = sorted({line for line in TEXT_LINES
                   if len(line) <= 40 and CJK.search(line) and not line.endswith(("。", "；", "，"))})
NUMBER_LINES = sorted({line for line in TEXT_LINES if re.search(r"\d", line) and len(line) > 10})
LABELS = sorted({cell.strip() for line in TABLE_LINES for cell in line.split("|")
                 if cell.strip() and not re.search(r"\d", cell)})
CODES = sorted({cell.strip() for line in TABLE_LINES for cell in line.split("|")
                if re.fullmatch(r"\d{3}(?:\d{2}){0,2}", cell.strip())})


# --- strategies ---------------------------------------------------------------------------------

def _format_amount(value: Decimal, style: int) -> str:
    if style == 0:
        return f"{value:,.2f}"
    if style == 1:
        return f"{value:.2f}"
    if style == 2:
        return f"{value:.0f}"
    return f"{value:.1f}"


MALFORMED = ["1,2.34", "12.3.4", "2,9 40.05", "93.27了%", "1121.82.", "(12.50)", "（3.00）",
             "-", "——", "XX", "…", "×××", "0.00", "100%", "1e5", "12a.5", "－5.00", "∞", "NaN"]

numbers = st.one_of(
    st.builds(_format_amount,
              st.decimals(min_value=-10**7, max_value=10**9, places=2, allow_nan=False,
                          allow_infinity=False),
              st.integers(0, 3)),
    st.integers(0, 10**15).map(str),
    st.sampled_from(MALFORMED),
)
cells = st.one_of(
    numbers,
    st.sampled_from(CODES),
    st.from_regex(r"\d{1,9}", fullmatch=True),
    st.sampled_from(LABELS),
    st.just(""),
    st.text(max_size=8),
)
table_rows = st.lists(st.lists(cells, min_size=1, max_size=12), min_size=1, max_size=20)


def _pasted(rows: list[list[str]], style: int) -> str:
    lines = [" | ".join(c.replace("\n", " ") for c in row) for row in rows]
    if style == 1:
        lines = [f"| {line} |" for line in lines]
    elif style == 2:
        lines = [line.replace(" | ", "|") for line in lines]  # not a table any more
    return "\n".join(lines)


pasted_tables = st.builds(_pasted, table_rows, st.integers(0, 2))

SENTENCES = [
    "{t}{n}万元，比上年{d}{n}万元，{d}{n}%。",
    "{t}年初预算为{n}万元，支出决算为{n}万元，完成年初预算的{n}%。",
    "其中：{t}{n}万元，占{n}%；{t}{n}万元，占{n}%。",
    "决算数{c}预算数，主要原因是{t}{d}。",
    "{t}决算为{n}万元，比年初预算{d}{n}万元，预决算差异率为{n}%。",
    "与{y}年度相比，{t}{d}{n}万元，{d}{n}%，基本持平。",
    "{y}年度{t}{n}元。截至{y}年12月31日，共有车辆{n}辆。",
    "{t}主要用于：{t}。增加增加，，",
]
sentences = st.builds(
    lambda template, topics, words, amounts, years, comparisons: template.format(
        t=topics, d=words, n=amounts, y=years, c=comparisons),
    st.sampled_from(SENTENCES),
    st.sampled_from(sorted(TOPIC_NAMES.values())),
    st.sampled_from(["增加", "减少", "增长", "下降", "上升", "持平", "增加（减少）", ""]),
    numbers,
    st.sampled_from(["2023", "2024", "1999", "2099", "20240"]),
    st.sampled_from(["大于", "小于", "等于", "与预算数持平", ""]),
)


def _renumbered(line: str, values: list[str]) -> str:
    """A real sentence with its numbers replaced by drawn ones."""
    drawn = itertools.cycle(values)
    return re.sub(r"\d[\d,.]*", lambda _: next(drawn), line)


real_sentences = st.builds(_renumbered, st.sampled_from(NUMBER_LINES),
                           st.lists(numbers, min_size=1, max_size=5))
pieces = st.one_of(
    st.sampled_from(HEADINGS),
    st.sampled_from(TEXT_LINES),
    st.sampled_from(TABLE_LINES),
    pasted_tables,
    sentences,
    real_sentences,
    st.text(max_size=40),
    st.sampled_from(["", "\f", "目录", "单位：万元", "单位：元", "金额单位：亿元", "注：本表无数据。",
                     "第二部分", "一、", "（一）", "|", " | ", "收入支出决算总表"]),
)
pasted_reports = st.lists(pieces, max_size=60).map("\n".join)


def _shuffled(text: str, rnd: random.Random, drop: float, cut: float) -> str:
    """A real report with its parts (runs of lines between headings) shuffled, some dropped,
    some lines repeated and the whole cut short."""
    parts: list[list[str]] = [[]]
    for line in text.splitlines():
        if line in HEADINGS and parts[-1]:
            parts.append([])
        parts[-1].append(line)
    rnd.shuffle(parts)
    kept = [p for p in parts if rnd.random() >= drop]
    lines = [line for part in kept for line in part]
    for _ in range(rnd.randint(0, 5)):
        if lines:
            lines.insert(rnd.randrange(len(lines) + 1), rnd.choice(lines))
    return "\n".join(lines[: max(1, int(len(lines) * cut))])


shuffled_reports = st.builds(_shuffled, st.sampled_from(REPORT_TEXTS), st.randoms(use_true_random=False),
                             st.floats(0.0, 0.6), st.floats(0.05, 1.0))
TOKENS = ["/", " | ", "|", "（类）", "（款）", "（项）", "（", "）", "万元", "元", "%", "。", "，", "：", "、",
          "增加", "减少", "持平", "主要原因是", "占", "年初预算为", "决算数小于预算数", "2023年", "第三部分",
          "一、", "1.", "（一）", "\f", "\n", "\t", "\u3000", "\ufffd", "\u2ee0", "〇", "1,2.3", "12.5年",
          "/人大事务"]
TARGETS = {"any": "", "item": "（类）", "share": "%", "amount": "万元", "table": " | "}


def _mutated_text(text: str, edits: list[tuple[str, float, float, str]]) -> str:
    """A real report with strings inserted into lines of one kind (a 类/款/项 item, a
    share, an amount, a table row, any line)."""
    lines = text.splitlines()
    for target, which, where, token in edits:
        chosen = [i for i, line in enumerate(lines) if TARGETS[target] in line] or [0]
        i = chosen[min(int(which * len(chosen)), len(chosen) - 1)]
        line = lines[i] if lines else ""
        k = int(where * len(line))
        new = line[:k] + token + line[k:]
        lines[i: i + 1] = new.split("\n") if lines else [new]
    return "\n".join(lines)


edits = st.tuples(st.sampled_from(sorted(TARGETS)), st.floats(0, 1), st.floats(0, 1),
                  st.one_of(st.sampled_from(TOKENS), numbers))
mutated_reports = st.builds(_mutated_text, st.sampled_from(REPORT_TEXTS),
                            st.lists(edits, min_size=1, max_size=12))
report_texts = st.one_of(pasted_reports, shuffled_reports, mutated_reports)

ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "big5", "utf-32"]


def _damage(data: bytes, cut: float | None, flips: list[tuple[float, int]]) -> bytes:
    buffer = bytearray(data if cut is None else data[: int(len(data) * cut)])
    for where, value in flips:
        if buffer:
            buffer[min(int(len(buffer) * where), len(buffer) - 1)] = value
    return bytes(buffer)


damages = st.tuples(st.one_of(st.none(), st.floats(0.0, 1.0)),
                    st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=4))


# --- running one file ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audit-fuzz")


_serial = itertools.count()


def write(folder: Path, name: str, data: bytes) -> Path:
    """A fresh file (a new name each time, some with Chinese and spaces)."""
    stem, dot, suffix = name.rpartition(".")
    path = folder / f"{stem or name} {next(_serial)}{dot}{suffix if stem else ''}"
    path.write_bytes(data)
    return path


def note(outcome: str) -> None:
    """Count an outcome in the statistics (pytest --hypothesis-show-statistics)."""
    if currently_in_test_context():
        event(outcome)


def timed(call: Callable[[], object], what: str, budget: float = BUDGET) -> None:
    start = time.perf_counter()
    call()
    elapsed = time.perf_counter() - start
    assert elapsed < budget, f"{what}: {elapsed:.2f} s (budget {budget} s)"


def check_error(path: Path, message: str) -> None:
    assert str(path) in message, message
    assert CJK.search(message), message
    assert "Traceback" not in message


def check_result(result: AuditResult) -> None:
    data = result.to_data()
    json.dumps(data, ensure_ascii=False)
    for finding in data["findings"]:
        assert finding["rule"] and finding["message"], finding
        assert finding["severity"] in ("error", "warning", "info")
    assert result.has_errors == (result.summary["error"] > 0)


def read_and_audit(path: Path) -> AuditResult | None:
    """``audit(read_report(path))``: findings, or a ReportReadError naming the file."""
    found: list[AuditResult] = []

    def run() -> None:
        try:
            source = read_report(path)
        except ReportReadError as error:
            check_error(path, str(error))
            note("outcome: read error")
            return
        result = audit(source)
        check_result(result)
        found.append(result)
        tables = len(result.reading.tables.tables)
        note(f"outcome: findings, {'no' if not tables else 'some' if tables < 9 else 'all nine'} tables")

    timed(run, f"audit(read_report({path.name!r}))")
    return found[0] if found else None


def audit_source(source: SourceDocument) -> AuditResult:
    found: list[AuditResult] = []
    timed(lambda: found.append(audit(source)), f"audit({source.path!r})")
    check_result(found[0])
    note(f"tables read: {len(found[0].reading.tables.tables)}")
    return found[0]


def cli_audit(path: Path) -> int:
    """``juesuan audit FILE --format json``: exit 0/1 with findings, or 2 with a clear error."""
    results = []
    timed(lambda: results.append(runner.invoke(app, ["audit", str(path), "--format", "json"])),
          f"juesuan audit {path.name!r}")
    result = results[0]
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}\n{result.output}")
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    note(f"exit code {result.exit_code}")
    [doc] = json.loads(result.stdout)
    assert doc["file"] == str(path)
    if result.exit_code == 2:
        check_error(path, doc["error"])
        assert doc["findings"] == []
        assert "无法读取" in result.stderr
    else:
        assert "error" not in doc
        assert (result.exit_code == 1) == (doc["summary"]["error"] > 0)
        assert len(doc["findings"]) == sum(doc["summary"].values())
    return int(result.exit_code)


# --- plain text ------------------------------------------------------------------------------------

@FUZZ
@given(text=mutated_reports)
def test_real_reports_with_inserted_text(folder: Path, text: str) -> None:
    read_and_audit(write(folder, "改过的报告.txt", text.encode("utf-8")))


@FUZZ
@given(text=report_texts, encoding=st.sampled_from(ENCODINGS), damage=damages)
def test_text_reports(folder: Path, text: str, encoding: str, damage: tuple[float | None, list[tuple[float, int]]]) -> None:
    data = _damage(text.encode(encoding, "replace"), *damage)
    read_and_audit(write(folder, "报告 pasted.txt", data))


@FEW
@given(text=report_texts, encoding=st.sampled_from(ENCODINGS), damage=damages)
def test_text_reports_through_the_cli(folder: Path, text: str, encoding: str, damage: tuple[float | None, list[tuple[float, int]]]) -> None:
    data = _damage(text.encode(encoding, "replace"), *damage)
    cli_audit(write(folder, "报告 cli.txt", data))


@FUZZ
@given(data=st.binary(max_size=3000), prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]))
def test_random_bytes_as_text(folder: Path, data: bytes, prefix: bytes) -> None:
    path = write(folder, "random.txt", prefix + data)
    read_and_audit(path)


def test_the_real_reports_in_every_encoding(folder: Path) -> None:
    for text, encoding in itertools.product(REPORT_TEXTS[:2], ["utf-8-sig", "gb18030", "utf-16"]):
        path = write(folder, "real.txt", text.encode(encoding))
        result = read_and_audit(path)
        assert result is not None and result.department
        assert cli_audit(path) in (0, 1)


# --- HTML --------------------------------------------------------------------------------------------

SPANS = ["1", "2", "3", "0", "-1", "abc", "", "2.5", " 7 ", "1e3", "1000", "65534", "99999999999999999"]
html_text = st.one_of(st.sampled_from(TEXT_LINES), st.sampled_from(HEADINGS), numbers,
                      st.sampled_from(LABELS), st.text(max_size=12))


def _attr(name: str, value: str | None) -> str:
    return "" if value is None else f' {name}="{html.escape(value)}"'


html_cells = st.builds(
    lambda tag, rowspan, colspan, text, raw: f"<{tag}{_attr('rowspan', rowspan)}{_attr('colspan', colspan)}>"
                                             f"{text if raw else html.escape(text)}</{tag}>",
    st.sampled_from(["td", "th", "TD", "td"]),
    st.one_of(st.none(), st.sampled_from(SPANS)),
    st.one_of(st.none(), st.sampled_from(SPANS)),
    st.one_of(cells, html_text),
    st.booleans(),
)
html_tables = st.builds(
    lambda caption, rows, wrap: "<table border=1>" + caption
    + (wrap[0] + "".join("<tr>" + "".join(r) + "</tr>" for r in rows) + wrap[1]) + "</table>",
    st.one_of(st.just(""), st.sampled_from(HEADINGS).map(lambda h: f"<caption>{h}</caption>")),
    st.lists(st.lists(html_cells, max_size=10), max_size=15),
    st.sampled_from([("", ""), ("<tbody>", "</tbody>"), ("<thead>", ""), ("", "<tr><td>")]),
)
html_leaves = st.one_of(
    html_tables,
    html_text.map(lambda t: f"<p>{html.escape(t)}</p>"),
    html_text.map(lambda t: f"<div>{html.escape(t)}<br>{html.escape(t)}</div>"),
    st.sampled_from(["<br>", "<hr>", "<script>var x = '<table>';</script>", "<style>td{}</style>",
                     "<!-- 注释 <table> -->", "<!--", "</td></tr></table>", "<td>", "<tr>", "<table>",
                     "&nbsp;&#x4e00;&#99999999;&bogus;", "<![CDATA[x]]>", "<?php echo 1 ?>", "\x00"]),
    st.sampled_from(TABLE_LINES).map(lambda line: "<p>" + html.escape(line) + "</p>"),
)
html_bodies = st.recursive(
    html_leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6).map("".join),
        st.builds(lambda tag, body: f"<{tag}>{body}</{tag}>",
                  st.sampled_from(["div", "p", "span", "td", "li", "section", "center"]), inner),
        inner.map(lambda body: f"<table><tr><td>{body}</td><td>1.00</td></tr></table>"),  # layout
    ),
    max_leaves=25,
)
CHARSETS = [None, "utf-8", "gb2312", "gbk", "big5", "iso-8859-1", "utf-16", "bogus-charset",
            "x-user-defined", "\"><script>", "gb"]


def _page(body: str, charset: str | None, xml: bool, cut: float | None) -> str:
    meta = "" if charset is None else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    head = '<?xml version="1.0" encoding="utf-8"?>\n' if xml else ""
    page = f"{head}<html><head>{meta}<title>题</title></head><body>{body}</body></html>"
    return page if cut is None else page[: int(len(page) * cut)]


html_pages = st.builds(_page, html_bodies, st.sampled_from(CHARSETS), st.booleans(),
                       st.one_of(st.none(), st.floats(0.0, 1.0)))


@FUZZ
@given(page=html_pages, encoding=st.sampled_from(["utf-8", "gb18030", "utf-16", "big5"]),
       suffix=st.sampled_from([".html", ".htm", ""]), damage=damages)
def test_html_reports(folder: Path, page: str, encoding: str, suffix: str,
                      damage: tuple[float | None, list[tuple[float, int]]]) -> None:
    data = _damage(page.encode(encoding, "replace"), *damage)
    read_and_audit(write(folder, f"网页{suffix}", data))


@FEW
@given(page=html_pages, encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_html_reports_through_the_cli(folder: Path, page: str, encoding: str) -> None:
    cli_audit(write(folder, "网页.html", page.encode(encoding, "replace")))


def _html_report(text: str) -> str:
    """A report as a web page: lines as paragraphs, runs of " | " lines as tables."""
    out: list[str] = []
    rows: list[str] = []
    for line in [*text.splitlines(), ""]:
        if " | " in line:
            rows.append("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in line.split("|"))
                        + "</tr>")
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        out.append(f"<p>{html.escape(line)}</p>")
    return "<html><body>" + "\n".join(out) + "</body></html>"


@FEW
@given(text=report_texts, charset=st.sampled_from(CHARSETS), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_reports_as_web_pages(folder: Path, text: str, charset: str | None, encoding: str) -> None:
    page = _html_report(text).replace("<html>", f'<html><head><meta charset="{charset}"></head>', 1)
    read_and_audit(write(folder, "report.html", page.encode(encoding, "replace")))


def test_real_report_as_web_page_is_audited(folder: Path) -> None:
    path = write(folder, "01.html", _html_report(REPORT_TEXTS[0]).encode("utf-8"))
    result = read_and_audit(path)
    assert result is not None and result.department == "上海市普陀区财政局"
    assert len(result.reading.tables.tables) == 9


@pytest.mark.parametrize(("rows", "rowspan", "colspan"), [
    (200, "65534", "1000"),  # every cell spans the whole table
    (60, "99999999999999999999", "99999999999999999999"),
    (300, "1", "1000"),
    (2000, "2", "3"),
])
def test_huge_spans_under_a_table_title(folder: Path, rows: int, rowspan: str, colspan: str) -> None:
    cells = f'<td rowspan="{rowspan}" colspan="{colspan}">1,234.56</td><td>2010601</td>'
    body = "".join(f"<tr>{cells}</tr>" for _ in range(rows))
    page = ("<html><body><p>上海市某局2024年度部门决算</p><p>支出决算表</p><p>单位：万元</p>"
            f"<table><tr><th>项目</th><th>合计</th><th>基本支出</th></tr>{body}</table>"
            f"<p>一般公共预算财政拨款基本支出决算表</p><table>{body}</table></body></html>")
    path = write(folder, "spans.html", page.encode("utf-8"))
    read_and_audit(path)
    cli_audit(path)


# --- PDF -----------------------------------------------------------------------------------------------

@cache
def pdf_bytes(index: int) -> bytes:
    return PDF_FILES[index].read_bytes()


@FEW
@given(index=st.sampled_from(range(len(PDF_FILES))), cut=st.floats(0.0, 1.0),
       tail=st.booleans())
def test_truncated_pdfs(folder: Path, index: int, cut: float, tail: bool) -> None:
    data = pdf_bytes(index)
    damaged = data[: int(len(data) * cut)]
    if tail:  # a cut-off download with the original cross-reference table and trailer
        damaged += data[data.rfind(b"xref"):] if b"xref" in data else data[-2048:]
    path = write(folder, "决算.pdf", damaged)
    read_and_audit(path)


@settings(FUZZ, max_examples=6)
@given(flips=st.lists(st.tuples(st.floats(0.05, 0.95), st.integers(0, 255)), min_size=1, max_size=30))
def test_damaged_pdf(folder: Path, flips: list[tuple[float, int]]) -> None:
    path = write(folder, "damaged.pdf", _damage(pdf_bytes(1), None, flips))
    read_and_audit(path)


@settings(FUZZ, max_examples=4)
@given(cut=st.one_of(st.none(), st.floats(0.0, 1.0)),
       flips=st.lists(st.tuples(st.floats(0.05, 0.95), st.integers(0, 255)), max_size=10))
def test_pdfs_through_the_cli(folder: Path, cut: float | None, flips: list[tuple[float, int]]) -> None:
    cli_audit(write(folder, "决算 cli.pdf", _damage(pdf_bytes(1), cut, flips)))


@pytest.fixture(scope="module")
def pdf_document() -> SourceDocument:
    return read_report(PDF_FILES[0])


def _mutated(document: SourceDocument, rnd: random.Random, values: list[str]) -> SourceDocument:
    """The PDF as read, with blocks dropped, repeated, moved and figures changed."""
    blocks = list(document.blocks)
    drawn = itertools.cycle(values or ["1"])
    for _ in range(rnd.randint(1, 40)):
        if not blocks:
            break
        i = rnd.randrange(len(blocks))
        op = rnd.random()
        block = blocks[i]
        if op < 0.25:
            del blocks[i]
        elif op < 0.4:
            blocks.insert(rnd.randrange(len(blocks) + 1), block)
        elif op < 0.55:
            j = rnd.randrange(len(blocks))
            blocks[i], blocks[j] = blocks[j], blocks[i]
        elif isinstance(block, Grid) and block.rows:
            rows = [list(row) for row in block.rows]
            r = rnd.randrange(len(rows))
            if op < 0.8 and rows[r]:
                rows[r][rnd.randrange(len(rows[r]))] = next(drawn)
            elif op < 0.9:
                del rows[r]
            else:
                rows = [row[: rnd.randint(0, len(row))] for row in rows]
            width = max((len(row) for row in rows), default=0)
            blocks[i] = Grid(tuple(tuple(row) + ("",) * (width - len(row)) for row in rows),
                             block.line, block.page)
        elif isinstance(block, Line):
            text = block.text
            k = rnd.randint(0, len(text))
            blocks[i] = Line(text[:k] + next(drawn) + text[k:], block.line, block.page)
    return SourceDocument(document.path, "pdf", tuple(blocks), document.pages, document.problems)


@FUZZ
@given(rnd=st.randoms(use_true_random=False), values=st.lists(numbers, max_size=10))
def test_pdf_reading_mutated(pdf_document: SourceDocument, rnd: random.Random, values: list[str]) -> None:
    audit_source(_mutated(pdf_document, rnd, values))


# --- DOCX -----------------------------------------------------------------------------------------------

_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def docx_of(text: str, merges: bool = False) -> bytes:
    """A report as a Word document: lines as paragraphs, runs of " | " lines as tables."""
    document = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(row) for row in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            cells = table.rows[r].cells
            for c, value in enumerate(row):
                cells[c].text = value
        if merges and len(rows) > 1 and width > 1:
            table.cell(0, 0).merge(table.cell(1, 0))
            table.cell(0, width - 2).merge(table.cell(0, width - 1))
        rows.clear()

    for line in _XML_UNSAFE.sub("", text).splitlines():
        if " | " in line:
            rows.append([cell.strip() for cell in line.split("|")])
            continue
        flush()
        document.add_paragraph(line)
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@cache
def real_docx() -> bytes:
    return docx_of(REPORT_TEXTS[0], merges=True)


def test_real_report_as_docx_is_audited(folder: Path) -> None:
    path = write(folder, "01.docx", real_docx())
    result = read_and_audit(path)
    assert result is not None and result.department == "上海市普陀区财政局"
    assert len(result.reading.tables.tables) == 9


@FUZZ
@given(cut=st.one_of(st.none(), st.floats(0.0, 1.0)),
       flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=4))
def test_truncated_and_damaged_docx(folder: Path, cut: float | None, flips: list[tuple[float, int]]) -> None:
    read_and_audit(write(folder, "决算.docx", _damage(real_docx(), cut, flips)))


@FEW
@given(text=report_texts, merges=st.booleans())
def test_random_reports_as_docx(folder: Path, text: str, merges: bool) -> None:
    path = write(folder, "random.docx", docx_of(text, merges))
    read_and_audit(path)


MEMBERS = ["word/document.xml", "[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels",
           "xl/workbook.xml", "mimetype", "word/styles.xml", "../evil.xml", "目录/文件.xml"]


@FUZZ
@given(members=st.lists(st.tuples(st.sampled_from(MEMBERS), st.binary(max_size=300)), max_size=6),
       suffix=st.sampled_from([".docx", ".txt", ".html", ""]))
def test_random_zips(folder: Path, members: list[tuple[str, bytes]], suffix: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    read_and_audit(write(folder, f"random{suffix}", buffer.getvalue()))


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCX_SPANS = ["1", "2", "3", "0", "-1", "x", "", "1000"]


def _w_text(text: str) -> str:
    return f"<w:p><w:r><w:t>{html.escape(_XML_UNSAFE.sub('', text))}</w:t></w:r></w:p>"


docx_cells = st.builds(
    lambda span, merge, text: "<w:tc><w:tcPr>"
    + ("" if span is None else f'<w:gridSpan w:val="{span}"/>')
    + ("" if merge is None else (f'<w:vMerge w:val="{merge}"/>' if merge else "<w:vMerge/>"))
    + "</w:tcPr>" + _w_text(text) + "</w:tc>",
    st.one_of(st.none(), st.sampled_from(DOCX_SPANS)),
    st.one_of(st.none(), st.sampled_from(["restart", "continue", ""])),
    st.one_of(cells, html_text),
)
docx_rows = st.builds(
    lambda before, tcs: "<w:tr>" + ("" if before is None else
                                    f'<w:trPr><w:gridBefore w:val="{before}"/></w:trPr>')
    + "".join(tcs) + "</w:tr>",
    st.one_of(st.none(), st.sampled_from(DOCX_SPANS)),
    st.lists(docx_cells, max_size=8),
)
docx_bodies = st.lists(st.one_of(
    html_text.map(_w_text),
    st.lists(docx_rows, max_size=10).map(lambda rows: "<w:tbl><w:tblPr/>" + "".join(rows) + "</w:tbl>"),
    st.sampled_from(["<w:sdt><w:sdtContent>" + _w_text("目录") + "</w:sdtContent></w:sdt>",
                     "<w:p/>", "<w:tbl/>", "<w:tbl><w:tr/></w:tbl>", "<w:bogus/>"]),
), max_size=12).map("".join)


def docx_with(xml: bytes) -> bytes:
    """The real DOCX with another word/document.xml."""
    source = zipfile.ZipFile(io.BytesIO(real_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, xml if name == "word/document.xml" else source.read(name))
    return buffer.getvalue()


@FUZZ
@given(body=docx_bodies, cut=st.one_of(st.none(), st.floats(0.0, 1.0)))
def test_random_document_xml(folder: Path, body: str, cut: float | None) -> None:
    xml = f"<w:document {W}><w:body>{body}</w:body></w:document>".encode()
    if cut is not None:
        xml = xml[: int(len(xml) * cut)]
    read_and_audit(write(folder, "表格.docx", docx_with(xml)))


@FEW
@given(body=docx_bodies)
def test_docx_through_the_cli(folder: Path, body: str) -> None:
    xml = f"<w:document {W}><w:body>{body}</w:body></w:document>".encode()
    cli_audit(write(folder, "表格 cli.docx", docx_with(xml)))


# --- what the fuzz found ----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "车辆平均使用年限12.5年。",  # "12.5年": four characters before 年, not a year (was a ValueError)
    "1. 一般公共服务支出（类）人大事务/行政运行（款）其他（项）。年初预算为1.00万元，支出决算为2.00万元。",
])  # a 类/款/项 name with "/" split into four levels (was an IndexError)
def test_found_by_the_fuzz(folder: Path, sentence: str) -> None:
    text = "\n".join([
        "上海市某局", "2024年度部门决算", "第二部分上海市某局2024年度部门决算表",
        "五、一般公共预算财政拨款支出决算表", "单位：万元",
        "科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出",
        "201 | 一般公共服务支出 | 2.00 | 1.00 | 1.00", "20101 | 人大事务 | 2.00 | 1.00 | 1.00",
        "2010101 | 行政运行 | 2.00 | 1.00 | 1.00",
        "第三部分上海市某局2024年度部门决算情况说明", "五、一般公共预算财政拨款支出决算情况说明", sentence,
    ])
    path = write(folder, "found.txt", text.encode("utf-8"))
    result = read_and_audit(path)
    assert result is not None and result.department == "上海市某局"
    assert cli_audit(path) == 1


@pytest.mark.parametrize("make", [
    # one paragraph of 3000 sentences: the claim checks looked back over every claim
    lambda: "\n".join(["第三部分情况说明", "一、收入支出决算总体情况说明",
                       "收入支出总计1.00万元，比上年增加1.00万元，增长1.00%。主要原因是增加。" * 3000]),
    # 3000 持平 sentences and 3000 shares of one sentence
    lambda: "第三部分情况说明\n一、总体\n" + "收入支出总计与上年持平，主要原因是增加。" * 3000,
    lambda: "第三部分情况说明\n一、总体\n本年收入合计100.00万元。" + "其中：事业收入50.00万元，占70.00%；" * 3000,
    # a 表5 of 3000 rows and 3000 items: each item looked up by scanning the table
    lambda: "\n".join(["上海市某局", "2024年度部门决算", "一般公共预算财政拨款支出决算表", "单位：万元",
                       "科目编码 | 科目名称 | 合计 | 基本支出 | 项目支出",
                       *(f"201{i:04d} | 名称{i} | 2.00 | 1.00 | 1.00" for i in range(3000)),
                       "第三部分情况说明", "五、一般公共预算财政拨款支出决算情况说明",
                       *(f"{i}. 一般公共服务（类）财政事务（款）名称{i}（项）。年初预算为1.00万元，支出决算为2.00万元。"
                         for i in range(3000))]),
], ids=["one-paragraph", "trends", "shares", "table-items"])
def test_long_reports_in_linear_time(folder: Path, make: Callable[[], str]) -> None:
    read_and_audit(write(folder, "long.txt", make().encode("utf-8")))


@pytest.mark.parametrize("element", ["gridSpan", "gridBefore"])
def test_docx_spans_are_capped_as_html_spans_are(folder: Path, element: str) -> None:
    span = '<w:gridSpan w:val="1000000"/>'
    cell = ("<w:tc><w:tcPr>" + (span if element == "gridSpan" else "") + "</w:tcPr>"
            + _w_text("项目") + "</w:tc>")
    before = '<w:trPr><w:gridBefore w:val="1000000"/></w:trPr>' if element == "gridBefore" else ""
    body = f"<w:tbl><w:tblPr/><w:tr>{before}{cell}</w:tr></w:tbl>"
    xml = f"<w:document {W}><w:body>{body}</w:body></w:document>".encode()
    document = read_report(write(folder, "span.docx", docx_with(xml)))
    assert all(len(grid.rows[0]) <= 1001 for grid in document.grids())
