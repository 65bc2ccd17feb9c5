"""The rule catalogue: every module's explicit list of rules, gathered in one place
(``juesuan rules``; docs/rules.md is its Markdown output)."""

from __future__ import annotations

from juesuan.audit import claim_rules
from juesuan.audit import rules as audit_rules
from juesuan.consolidate import rules as consolidation_rules
from juesuan.narrative import rules as narrative_rules
from juesuan.performance import rules as performance_rules
from juesuan.rules import filing as filing_rules
from juesuan.rules import tables as table_rules
from juesuan.rules.registry import Rule

# The rule lists of the modules that define rules, one per subject checked.
RULE_LISTS: tuple[tuple[Rule, ...], ...] = (
    filing_rules.RULES, table_rules.RULES, performance_rules.RULES, narrative_rules.RULES,
    claim_rules.RULES, audit_rules.RULES, consolidation_rules.RULES,
)


def _registry() -> dict[str, Rule]:
    registry: dict[str, Rule] = {}
    for rules in RULE_LISTS:
        for r in rules:
            if r.id in registry:
                raise ValueError(f"duplicate rule id {r.id}")
            registry[r.id] = r
    return registry


REGISTRY: dict[str, Rule] = _registry()
"""Every rule by id."""

SCOPE_NAMES = {"tables": "公开表", "filing": "填报文件", "performance": "绩效自评",
               "narrative": "情况说明", "claims": "说明中的数字",
               "audit": "公开报告", "consolidation": "汇总"}
# Catalogue order of the scopes: the rules of one filing first, then those of the text and
# the published report, then the 汇总 of several filings.
SCOPE_ORDER = {"filing": 0, "performance": 1, "tables": 2, "narrative": 3, "claims": 4,
               "audit": 5, "consolidation": 6}


def catalogue_rows() -> list[dict[str, str]]:
    return [
        {
            "id": r.id,
            "title": r.title,
            "severity": r.severity.value,
            "scope": SCOPE_NAMES[r.scope],
            "description": r.description,
            "reference": r.reference,
        }
        for r in sorted(REGISTRY.values(), key=lambda r: (SCOPE_ORDER[r.scope], _order(r.id)))
    ]


def _order(rule_id: str) -> tuple[str, int, str]:
    head, _, tail = rule_id.partition(".")
    digits = "".join(ch for ch in head if ch.isdigit())
    return (head.rstrip("0123456789"), int(digits) if digits else 0, tail)


def catalogue_markdown() -> str:
    lines = [
        "# 规则目录",
        "",
        "本文件由 `juesuan rules --markdown` 从规则注册表生成，请勿手工编辑。"
        "测试会核对它与代码一致。",
        "",
        "级别是差异不能由四舍五入解释时的级别；四舍五入可以解释的差异一律报为 info（提示）。",
        "",
        "| 规则 | 范围 | 级别 | 名称 | 说明 | 依据 |",
        "|---|---|---|---|---|---|",
    ]
    for row in catalogue_rows():
        cells = [row["id"], row["scope"], row["severity"], row["title"], row["description"],
                 row["reference"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
