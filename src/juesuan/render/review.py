"""The review (审核意见) of a disclosure: one self-contained HTML page for the unit and its
reviewers, never for the public.

It holds what the public document must not: every finding of the checks with its rule id,
place, expected and found figures and the tolerance used; the places still to fill; and,
for the 绩效自评表, juesuan's recomputed scores beside the stated ones with the basis of each
score (:mod:`juesuan.document.review`). Plain HTML, escaped, no script, nothing fetched.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from juesuan.content import Document
from juesuan.render.json import table_to_data
from juesuan.render.layout import Grid, grid, indent
from juesuan.rules.finding import Finding, Severity
from juesuan.tables.table import RowKind, Table

REVIEW_SUFFIX = "-审核意见"  # the review file is <filing>-审核意见.html beside the public files
AUDIENCE = "本审核意见仅供填报单位和审核人员使用，不公开；公开文档中不含检查结果。"

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","SimHei",sans-serif;margin:1.5em auto;max-width:1200px;
padding:0 1em;line-height:1.6;color:#111}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #999}
.audience{background:#fff4d6;border:1px solid #e0b84c;padding:.5em 1em}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}
th,td{border:1px solid #888;padding:.2em .4em;vertical-align:top}
th{background:#eee}td.num{text-align:right;white-space:nowrap}
tr.total td{font-weight:bold}
.sev-error{color:#b00020;font-weight:bold}.sev-warning{color:#8a5a00}.sev-info{color:#555}
caption{font-weight:bold;text-align:left;padding:.3em 0}
p.note{font-size:.85em;color:#444;margin:.2em 0}
"""


def _finding_row(number: int, finding: Finding) -> str:
    cells = (str(number), f'<span class="sev-{finding.severity.value}">{finding.severity.label}</span>',
             escape(finding.rule), escape(finding.location.describe() or "—"), escape(finding.message),
             escape(finding.expected or ""), escape(finding.found or ""), escape(finding.tolerance or ""))
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _findings(findings: tuple[Finding, ...]) -> list[str]:
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    summary = "，".join(f"{s.label} {counts[s]} 条" for s in Severity)
    out = ["<h2>一、检查结果</h2>"]
    if not findings:
        out.append("<p>全部检查通过，没有发现问题。</p>")
        return out
    out.append(f"<p>共 {len(findings)} 条：{summary}。错误须在公开前更正；警告和提示请逐条核实。</p>")
    out.append('<div class="scroll"><table class="findings"><thead><tr>'
               + "".join(f"<th>{h}</th>" for h in ("序号", "级别", "规则", "位置", "说明", "应为", "实为", "容差"))
               + "</tr></thead><tbody>")
    out += [_finding_row(n, f) for n, f in enumerate(findings, 1)]
    out.append("</tbody></table></div>")
    return out


def _placeholders(doc: Document) -> list[str]:
    gaps = doc.placeholders()
    out = ["<h2>二、待填写</h2>"]
    if not gaps:
        out.append("<p>公开文档中没有待填写的地方。</p>")
        return out
    out.append(f"<p>公开文档中还有 {len(gaps)} 处待填写（【待填写：…】）：</p><ol>")
    out += [f"<li>{escape(paragraph)}</li>" for _, paragraph in gaps]
    out.append("</ol>")
    return out


def table_html(table: Table) -> str:
    """A table of the one table structure as a plain HTML table (header spans from the grid)."""
    g: Grid = grid(table)
    head: list[str] = []
    for r in range(g.depth):
        cells = [c for c in g.header if c.row == r]
        head.append("<tr>" + "".join(
            f'<th rowspan="{c.rowspan}" colspan="{c.colspan}">{escape(c.text)}</th>' for c in cells) + "</tr>")
    body: list[str] = []
    for line in g.lines:
        rows = [row for row in line if row is not None]
        total = any(row.kind is RowKind.TOTAL for row in rows)
        tds: list[str] = []
        for col, column in enumerate(g.columns):
            row = g.row_at(line, col)
            if column.kind == "name":
                text = "" if row is None else "\u3000" * indent(row) + row.name
            elif column.kind == "code":
                text = "" if row is None else row.code or ""
            else:
                text = g.text_at(line, col, thousands=True)
            css = ' class="num"' if column.kind == "value" and text[:1].isdigit() else ""
            tds.append(f"<td{css}>{escape(text)}</td>")
        opening = '<tr class="total">' if total else "<tr>"
        body.append(opening + "".join(tds) + "</tr>")
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in table.notes)
    unit = f"（单位：{escape(table.unit)}）" if table.unit else ""
    return (f'<div class="scroll"><table><caption>{escape(table.title)}{unit}</caption>'
            f'<thead>{"".join(head)}</thead><tbody>{"".join(body)}</tbody></table></div>{notes}')


def _scores(doc: Document) -> list[str]:
    if not doc.review_tables:
        return []
    out = ["<h2>三、绩效自评复核</h2>",
           "<p>公开文档中的自评表印填报的执行率、得分和总分；下表是 juesuan 按评分办法重新计算的结果，"
           "其后是逐项的计分依据。</p>"]
    out += [table_html(t) for t in doc.review_tables]
    return out


_META = {"layout": "公开模板", "order": "各部分顺序", "scheme": "评分办法"}


def review_to_html(doc: Document) -> str:
    """The review of ``doc`` as one HTML page."""
    title = f"{doc.title} 审核意见"
    meta = "；".join(f"{_META.get(k, k)}：{v}" for k, v in sorted(doc.metadata.items()))
    parts = [
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="audience">{AUDIENCE}</p>',
        f"<p>部门：{escape(doc.department)}；年度：{doc.year}；{escape(meta)}</p>",
        *_findings(doc.findings),
        *_placeholders(doc),
        *_scores(doc),
        "</body></html>",
    ]
    return "\n".join(parts)


def review_to_data(doc: Document) -> dict[str, Any]:
    """The review as JSON-ready data: the findings in the one shape of every finding juesuan
    writes (docs/findings.md), the places to fill, and the score tables."""
    counts = {s.value: sum(1 for f in doc.findings if f.severity is s) for s in Severity}
    return {
        "title": f"{doc.title} 审核意见",
        "department": doc.department,
        "year": doc.year,
        "metadata": dict(doc.metadata),
        "summary": counts,
        "findings": [f.to_data() for f in doc.findings],
        "placeholders": [{"section": key, "text": text} for key, text in doc.placeholders()],
        "tables": [table_to_data(t) for t in doc.review_tables],
    }


def review_to_json(doc: Document) -> str:
    return json.dumps(review_to_data(doc), ensure_ascii=False, indent=2) + "\n"
