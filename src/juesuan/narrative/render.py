"""Rendering the section templates into sections of finished text.

Templates are package data (``templates/<style>/<section>.j2``). A template's output
is read as follows: the first line ``# …`` is the section heading, a line ``## …``
starts a subsection, blank lines separate paragraphs, and the lines of one paragraph
are joined without a space (templates may wrap long Chinese sentences freely).

A block tag that ends a line of text swallows its newline (``trim_blocks``); where
the newline matters — before a blank line or a heading — end the tag with ``+%}``.

Templates only choose and format facts: every ``{{ … }}`` goes through ``finalize``,
which prints a :class:`Gap` as its placeholder and records it, and refuses an amount
that was not formatted by a filter.

What ``{{ … }}`` prints is never markup: the department's own text (reasons, names,
descriptions) may hold "#", "## " or line breaks. ``finalize`` joins a printed text's
lines (as the lines of a paragraph are joined) and hides its "#" from :func:`parse`
until the section is assembled.

Compiled templates are kept between processes (:func:`bytecode_cache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    StrictUndefined,
    pass_context,
)
from jinja2.runtime import Context

from juesuan.content import Chart, Section
from juesuan.narrative.facts import Gap
from juesuan.narrative.filters import FILTERS, TESTS

GAPS = "_gaps"

# Stands for a "#" printed from a value while the template's output is parsed: a lone
# surrogate, which no filing holds (the reader refuses them) and no template writes.
_HASH = "\udb80"


def _plain(text: str) -> str:
    """A printed text that :func:`parse` reads as text only: one line, "#" hidden."""
    lines = text.splitlines()
    if len(lines) != 1 or lines[0] != text:
        text = "".join(line.strip() for line in lines)
    return text.replace("#", _HASH)


def _unhide(text: str) -> str:
    return text.replace(_HASH, "#")


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    if isinstance(value, Gap):
        gaps = context.get(GAPS)
        if isinstance(gaps, list):
            gaps.append(value)
        return _plain(value.text + value.suffix)
    if isinstance(value, Decimal | float):
        raise TypeError(f"模板输出了未格式化的数值 {value!r}：金额用 wan，百分比用 pct")
    if value is None:
        raise TypeError("模板输出了 None：缺少的事实应为 Gap")
    if isinstance(value, str):
        return _plain(value)
    return value


@cache
def bytecode_cache() -> BytecodeCache | None:
    """Where compiled templates are kept between processes (``None``: in memory only).

    Compiling the narrative's templates takes a twentieth of a second in every new
    process, which each ``juesuan report`` run would pay again. Jinja's own cache keeps
    the compiled code in a folder of the user's in the system's temporary folder (made
    with mode 0700; Jinja refuses one that another user owns or others may write), named
    by the template and a checksum of its text, so an edited template is compiled
    afresh; a file is written under a temporary name and renamed, so processes share the
    folder safely. Without such a folder, templates are compiled in memory as before."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("juesuan.narrative", "templates"),
        bytecode_cache=bytecode_cache(),
        autoescape=False,  # plain text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_finalize,
    )
    env.filters.update(FILTERS)
    env.tests.update(TESTS)
    return env


@dataclass
class _Block:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


def parse(text: str) -> tuple[str, list[str], list[tuple[str, list[str]]]]:
    """Heading, paragraphs and (heading, paragraphs) subsections of a template's output."""
    heading = ""
    top = _Block("")
    subsections: list[_Block] = []
    current = top
    lines: list[str] = []

    def flush() -> None:
        if lines:
            current.paragraphs.append("".join(line.strip() for line in lines))
            lines.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("## "):
            flush()
            current = _Block(line[3:].strip())
            subsections.append(current)
        elif line.startswith("# "):
            flush()
            heading = line[2:].strip()
        elif not line:
            flush()
        else:
            if "# " in line:
                # A block tag at the end of the line before ate its newline: fix the
                # template (end that tag with "+%}").
                raise ValueError(f"标题标记不在行首：{line[:40]}…")
            lines.append(line)
    flush()
    return (_unhide(heading), [_unhide(p) for p in top.paragraphs],
            [(_unhide(b.heading), [_unhide(p) for p in b.paragraphs]) for b in subsections])


def render_section(style: str, name: str, key: str, context: dict[str, Any],
                   charts: tuple[Chart, ...] = ()) -> tuple[Section, list[Gap]]:
    """One section from ``templates/<style>/<name>.j2``, with the gaps it printed."""
    gaps: list[Gap] = []
    template = environment().get_template(f"{style}/{name}.j2")
    text = template.render({**context, GAPS: gaps})
    heading, paragraphs, subsections = parse(text)
    if not heading:
        raise ValueError(f"模板 {style}/{name}.j2 没有标题行（# …）")
    section = Section(
        key=key,
        heading=heading,
        paragraphs=tuple(paragraphs),
        charts=charts,
        subsections=tuple(
            Section(f"{key}.{n}", sub_heading, tuple(sub_paragraphs))
            for n, (sub_heading, sub_paragraphs) in enumerate(subsections, 1)
        ),
    )
    return section, gaps
