"""JSON rendering of the whole disclosure document, documented in docs/formats.md.

The document tree as it is: parts, sections (with their subsections), paragraphs
as finished text (placeholders such as 【待填写：增减原因】 kept verbatim), tables
in the shape of :func:`juesuan.render.json.table_to_data`, charts with their
categories and series, and the places still to fill. It is the public document: the
findings of the checks belong to the review (``juesuan check --format json``, the
审核意见), not here. Amounts are decimal *strings* rounded half-up as printed, never
JSON numbers; blanks are ``null``.
"""

from __future__ import annotations

import json
from typing import Any

from juesuan.content import Chart, Document, Section
from juesuan.money import format_wan
from juesuan.render.json import table_to_data

FORMAT_VERSION = 2
"""Bumped when a key changes meaning or disappears; adding keys does not bump it.
2: ``findings`` left the public document (they are the review's)."""

CHART_PLACES = 2


def document_to_data(doc: Document) -> dict[str, Any]:
    """The document as JSON-ready data (dicts, lists, strings, ints, None)."""
    return {
        "format_version": FORMAT_VERSION,
        "title": doc.title,
        "department": doc.department,
        "year": doc.year,
        "unit": doc.unit,
        "metadata": dict(doc.metadata),
        "notices": list(doc.notices),
        "parts": [
            {
                "key": part.key,
                "heading": part.heading,
                "sections": [section_to_data(s) for s in part.sections],
            }
            for part in doc.parts
        ],
        "placeholders": [{"section": key, "text": text} for key, text in doc.placeholders()],
    }


def document_to_json(doc: Document) -> str:
    """The document as JSON text: UTF-8 characters unescaped, indented by 2, newline at end."""
    return json.dumps(document_to_data(doc), ensure_ascii=False, indent=2) + "\n"


def section_to_data(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "heading": section.heading,
        "paragraphs": list(section.paragraphs),
        "tables": [table_to_data(table) for table in section.tables],
        "charts": [chart_to_data(chart) for chart in section.charts],
        "subsections": [section_to_data(s) for s in section.subsections],
    }


def chart_to_data(chart: Chart) -> dict[str, Any]:
    return {
        "key": chart.key,
        "title": chart.title,
        "kind": chart.kind,
        "unit": chart.unit,
        "categories": list(chart.categories),
        "series": [
            {
                "name": series.name,
                "values": [None if v is None else format_wan(v, CHART_PLACES)
                           for v in series.values],
            }
            for series in chart.series
        ],
    }
