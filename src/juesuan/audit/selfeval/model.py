"""From a draft to the model a filing uses: :class:`Form`, :class:`SelfEvaluation`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import ValidationError

from juesuan.audit.figures import WELL_FORMED
from juesuan.audit.selfeval.cells import Field, FundsKey, Printed, compact, figure, form_key
from juesuan.audit.selfeval.form import Draft, DraftIndicator, choice
from juesuan.filing.io import type_message
from juesuan.filing.performance import (
    AnnualTarget,
    DepartmentEvaluation,
    Direction,
    Funds,
    Indicator,
    Performance,
    ProjectEvaluation,
    ProjectFunds,
    Stated,
)
from juesuan.money import ZERO

# --- from draft to model ----------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """One 自评表 as read: the evaluation and where each of its parts was printed."""

    kind: Literal["project", "department"]
    title: str | None
    path: str  # performance.department / performance.projects[N]
    evaluation: ProjectEvaluation | DepartmentEvaluation
    execution_weight: Decimal | None
    directions: bool  # the form has a 指标性质 column
    printed: dict[str, Printed]  # field path (relative to ``path``) → the row printing it
    notes: tuple[str, ...]  # what was read with a remark (a malformed figure, a guessed weight)

    @property
    def place(self) -> Printed:
        return self.printed[""]


@dataclass(frozen=True)
class SelfEvaluation:
    """Every form found in a report, the scheme guessed from them and the Performance."""

    forms: tuple[Form, ...]
    scheme: str
    performance: Performance
    notes: tuple[str, ...] = ()

    def locate(self, path: str | None) -> tuple[Form, Printed] | None:
        """The form and printed row a field path (performance.projects[1].stated.total) points at."""
        if not path:
            return None
        for form in self.forms:
            if path != form.path and not path.startswith((form.path + ".", form.path + "[")):
                continue
            rest = path[len(form.path):].lstrip(".")
            while True:
                if rest in form.printed:
                    return form, form.printed[rest]
                if not rest:
                    return form, form.place
                cut = max(rest.rfind("."), rest.rfind("["))
                rest = rest[:cut] if cut > 0 else ""
        return None


def _amount(draft: Draft, kind: str, key: FundsKey) -> Decimal | None:
    f = draft.funds.get(kind, {}).get(key)
    return f.value if f is not None else None


def _funds(draft: Draft, kind: str) -> Funds | None:
    slot = draft.funds.get(kind)
    if not slot:
        return None
    return Funds(initial=_amount(draft, kind, "initial"), adjusted=_amount(draft, kind, "adjusted"),
                 executed=_amount(draft, kind, "executed"))


def _stated(draft: Draft) -> Stated:
    rate = draft.funds.get("total", {}).get("rate")
    score = draft.funds.get("total", {}).get("score")
    percent = False
    if rate is not None:
        percent = rate.percent or rate.value > Decimal("1.5")
    return Stated(rate=rate.value if rate else None, rate_is_percent=percent,
                  execution_score=score.value if score else None, total=draft.total)


def _text_value(values: dict[Field, str], key: Field) -> str | None:
    text = values.get(key)
    return text.strip() if text and text.strip() else None


_DIRECTIONS = {"≥": Direction.AT_LEAST, ">=": Direction.AT_LEAST, "≤": Direction.AT_MOST,
               "<=": Direction.AT_MOST, "=": Direction.EQUAL, "＝": Direction.EQUAL,
               "≧": Direction.AT_LEAST, "≦": Direction.AT_MOST,
               "正向": Direction.AT_LEAST, "反向": Direction.AT_MOST}


def _indicator(item: DraftIndicator, notes: list[str]) -> Indicator | None:
    v = item.values
    name = _text_value(v, "name") or item.level2 or "（未命名指标）"
    target = _text_value(v, "target") or ""
    actual = _text_value(v, "actual")
    direction = _DIRECTIONS.get(compact(v.get("direction", "")))
    unit = _text_value(v, "unit")
    if WELL_FORMED.match(compact(target)):  # a bare number: 指标性质 and 度量单位 in their own columns
        target = f"{direction.value if direction else ''}{target.strip()}{unit or ''}"
    if actual and unit and WELL_FORMED.match(compact(actual)):
        actual = f"{actual}{unit}"
    weight = figure(v.get("weight", ""))
    score = figure(v.get("score", ""))
    deviation = "\n".join(t for t in (_text_value(v, "deviation"), _text_value(v, "improvement")) if t)
    try:
        return Indicator(
            level1=item.level1, level2=item.level2, name=name, target=target, actual=actual,
            weight=weight.value if weight and weight.value >= 0 else None,
            direction=direction, unit=unit,
            stated_score=score.value if score else None, deviation=deviation or None,
        )
    except ValidationError:
        notes.append(f"第{item.printed.line}行的指标未能读出")
        return None


def _header_text(draft: Draft, key: str) -> str | None:
    value = draft.header.get(key)
    if value is None:
        return None
    if key in ("category", "attribute", "kind"):
        return choice(value) or None
    return value.strip() or None


_TITLE_NAME = re.compile(
    r"^(?:附件\d*[:：]?)?(?:(?:19|20)\d{2}年度?)?(?P<name>.+?)(?:项目支出|项目)?(?:绩效)?(?:自评|评价)(?:得分)?表$"
)


def title_name(title: str | None) -> str | None:
    if not title:
        return None
    m = _TITLE_NAME.match(form_key(title))
    return m.group("name") if m and m.group("name") else None


def _explanations(draft: Draft) -> None:
    """A form with a 偏差原因分析 column per indicator and no 偏差原因分析 row (the central
    form): the indicators' texts, each after its indicator's name, are the form's."""
    if draft.deviation_printed is not None or draft.improvement_printed is not None:
        return
    texts = []
    for block in draft.blocks:
        for item in block.indicators:
            text = "；".join(t for t in (_text_value(item.values, "deviation"),
                                         _text_value(item.values, "improvement")) if t)
            if text:
                name = _text_value(item.values, "name") or item.level2 or ""
                texts.append(f"{name}：{text}" if name else text)
    if texts:
        draft.deviation = "\n".join(texts)
        if draft.improvement_column:
            draft.improvement = draft.deviation


def build_form(draft: Draft, path: str, summary: str | None) -> Form | str:
    """The form as a model, or why it could not be read."""
    notes = list(draft.notes)
    printed: dict[str, Printed] = {}
    place = draft.title_printed or draft.first
    if place is None:
        return "自评表没有内容"
    printed[""] = place
    execution = draft.funds_printed or draft.funds_header_printed
    if execution is not None:
        for key in ("stated.rate", "stated.execution_score", "funds", "budget", "executed",
                    "stated.rate_is_percent"):
            printed[key] = execution
    if draft.total_printed is not None:
        printed["stated.total"] = draft.total_printed
        printed["stated.grade"] = draft.total_printed
    if draft.deviation_printed is not None:
        printed["deviation_analysis"] = draft.deviation_printed
    if draft.improvement_printed is not None:
        printed["improvement"] = draft.improvement_printed
    for key, row in draft.header_printed.items():
        printed[{"unit_name": "name"}.get(key, key)] = row
    if draft.indicator_header is not None:
        printed["indicators"] = draft.indicator_header
        printed["targets"] = draft.indicator_header
    _explanations(draft)
    kind: Literal["project", "department"] = "department" if draft.department else "project"
    try:
        stated = _stated(draft)
        if kind == "department":
            budget = _amount(draft, "total", "adjusted")
            if budget is None:
                budget = _amount(draft, "total", "initial")
            executed = _amount(draft, "total", "executed")
            if budget is None or executed is None:
                return "部门整体支出的预算数或执行数未能读出"
            targets: list[AnnualTarget] = []
            for n, block in enumerate(draft.blocks):
                slot = f"targets[{n}]"
                printed[slot] = block.printed
                printed[f"{slot}.stated_score"] = (block.indicators[0].printed if block.indicators
                                                   else block.printed)
                inds: list[Indicator] = []
                for x in block.indicators:
                    ind = _indicator(x, notes)
                    if ind is not None:
                        printed[f"{slot}.indicators[{len(inds)}]"] = x.printed
                        inds.append(ind)
                weight = block.weight
                if weight is None:
                    stated_weights = [i.weight for i in inds]
                    if stated_weights and all(w is not None for w in stated_weights):
                        weight = sum((w for w in stated_weights if w is not None), ZERO)
                    else:
                        notes.append(f"年度目标{n + 1}未注明分值，按 0 分读取")
                        weight = ZERO
                score = block.score
                indicator_scores = [i.stated_score for i in inds]
                if score is not None:
                    printed[f"{slot}.stated_score"] = block.printed
                elif indicator_scores and indicator_scores[0] is not None \
                        and all(s is None for s in indicator_scores[1:]):
                    score = indicator_scores[0]  # one 得分 per 年度目标, printed on its first row
                    inds[0] = inds[0].model_copy(update={"stated_score": None})
                targets.append(AnnualTarget(description=block.description or f"年度目标{n + 1}",
                                            weight=weight, indicators=tuple(inds),
                                            stated_score=score))
            basic = figure(draft.header.get("basic_total", ""))
            project = figure(draft.header.get("project_total", ""))
            evaluation: ProjectEvaluation | DepartmentEvaluation = DepartmentEvaluation(
                name=_header_text(draft, "unit_name") or _header_text(draft, "name"),
                basic_total=basic.value if basic else None,
                project_total=project.value if project else None,
                budget=budget, executed=executed, targets=tuple(targets),
                deviation_analysis=draft.deviation, improvement=draft.improvement, stated=stated)
        else:
            total = _funds(draft, "total") or Funds()
            funds = ProjectFunds(total=total, current_year=_funds(draft, "current_year"),
                                 carried_over=_funds(draft, "carried_over"),
                                 other=_funds(draft, "other"))
            inds = []
            for block in draft.blocks:
                for x in block.indicators:
                    ind = _indicator(x, notes)
                    if ind is not None:
                        printed[f"indicators[{len(inds)}]"] = x.printed
                        inds.append(ind)
            name = _header_text(draft, "name") or title_name(draft.title) or "（未注明项目名称）"
            evaluation = ProjectEvaluation(
                name=name, department=_header_text(draft, "department"),
                implementer=_header_text(draft, "implementer"),
                category=_header_text(draft, "category"), attribute=_header_text(draft, "attribute"),
                kind=_header_text(draft, "kind"), funds=funds, goal=draft.goal,
                achieved=draft.achieved, indicators=tuple(inds),
                deviation_analysis=draft.deviation, improvement=draft.improvement,
                summary=summary, stated=stated)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        ctx = error.get("ctx") or {}
        where = ".".join(str(part) for part in error["loc"])
        reason = str(ctx["error"]) if "error" in ctx else type_message(error["type"])[0]
        return f"{where}：{reason}" if where else reason
    return Form(kind, draft.title, path, evaluation, draft.execution_weight, draft.directions,
                printed, tuple(notes))
