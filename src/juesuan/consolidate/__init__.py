"""汇总 (consolidation) of units' filings into a department's, and of departments' into a
region's: :func:`consolidate`, :func:`consolidate_region`. Pure: no files, no web app."""

from juesuan.consolidate.combine import (
    Consolidation,
    Elimination,
    PairElimination,
    consolidate,
    consolidate_region,
)
from juesuan.consolidate.rules import RULES, Flows
from juesuan.consolidate.tree import (
    ConsolidationError,
    Mode,
    UnitNode,
    choose_root,
    flat_tree,
    select,
    tree_from_parents,
)

# The elimination checks' earlier name: they are the rules H.1 and H.2.
CHECKS = RULES

__all__ = [
    "CHECKS",
    "RULES",
    "Consolidation",
    "ConsolidationError",
    "Elimination",
    "Flows",
    "Mode",
    "PairElimination",
    "UnitNode",
    "choose_root",
    "consolidate",
    "consolidate_region",
    "flat_tree",
    "select",
    "tree_from_parents",
]
