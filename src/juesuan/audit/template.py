"""Which disclosure template a published report follows, judged from what it prints.

Every bundled template (:mod:`juesuan.template`) is compared with the report on the traits
that tell templates apart:

* the tables it prints, or its 目录 lists to the end (the eight-table form before 2019 has no
  表9), weight 3;
* the 类 rows of 表1 (24 or 26 of them; the names before 2019), weight 2;
* the printed title of 表7 and of 表9, weight 1 each;
* whether 表9 has income columns, weight 1;
* whether the 情况说明 comes before the 决算表, weight 1;
* whether the report's year is one the template is used for, weight 1.

The template with the highest score is the report's when no other has the same score;
otherwise the template is unknown, and nothing is judged by one. Pure.
"""

from __future__ import annotations

from juesuan.audit.structure import Structure, match_title, title_key
from juesuan.tables.table import TableSet
from juesuan.template.catalogue import bundled_templates
from juesuan.template.model import Template


def _printed_title(structure: Structure, number: int) -> str | None:
    located = structure.table(number)
    return title_key(located.title.place.text) if located is not None else None


def _explanation_first(structure: Structure) -> bool | None:
    """Whether the 情况说明 part stands before the first table (None: cannot tell)."""
    explanation = next((h.place.line for h in structure.headings
                        if h.kind == "part" and "说明" in h.text and h.place.line is not None), None)
    first_table = next((t.title.place.line for t in structure.tables
                        if t.title.place.line is not None), None)
    if explanation is None or first_table is None:
        return None
    return explanation < first_table


def _class_codes(tables: TableSet) -> frozenset[str] | None:
    table = tables.get(1)
    if table is None:
        return None
    codes = frozenset(r.code for r in table.rows if r.code is not None and len(r.code) == 3)
    return codes or None


_EIGHT = frozenset(range(1, 9))


def listed_tables(structure: Structure) -> frozenset[int]:
    """The tables the 目录 lists (a report whose tables are published apart lists them there)."""
    found = (match_title(e.text) for e in structure.toc if e.kind == "item")
    return frozenset(m[0] for m in found if m is not None)


def score(template: Template, structure: Structure, tables: TableSet, year: int | None) -> int:
    points = 0
    present = {t.number for t in structure.tables} | {t.number for t in tables.tables}
    listed = listed_tables(structure)
    # the 目录 shows whether there is a 表9 when it lists one, or lists all of 表1–表8 without it
    # (the seed's 目录 lists six of its nine tables)
    if 9 in listed or listed >= _EIGHT:
        present |= listed
    # 表9 shows the nine-table form; 表8 without a 表9 the eight-table one; fewer tables, neither
    if {8, 9} & present and (9 in present) == (9 in template.numbers):
        points += 3
    codes = _class_codes(tables)
    if codes is not None and codes == frozenset(template.class_codes):
        points += 2
    for number in (7, 9):
        printed, spec = _printed_title(structure, number), template.table(number)
        if printed is not None and spec is not None and printed.endswith(title_key(spec.title)):
            points += 1
    t9 = tables.get(9)
    if t9 is not None and t9.rows and ("income" in t9.column_keys) == template.state_capital_income:
        points += 1
    first = _explanation_first(structure)
    order = template.order()
    if first is not None and "explanation" in order and first == (
            order.index("explanation") < order.index("tables")):
        points += 1
    if year is not None and template.years[0] <= year <= template.years[1]:
        points += 1
    return points


def recognise_template(structure: Structure, tables: TableSet, year: int | None) -> Template | None:
    """The template the report follows, or None when two fit equally well."""
    scored = sorted(((score(t, structure, tables, year), t.name, t) for t in bundled_templates()),
                    key=lambda item: (-item[0], item[1]))
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][2]
