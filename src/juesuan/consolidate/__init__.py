"""汇总 (consolidation) of units' filings into a department's, and of departments' into a
region's: :func:`consolidate`, :func:`consolidate_region`. Pure: no files, no web app."""

from juesuan.consolidate.combine import (
    CHECKS,
    Check,
    Consolidation,
    Elimination,
    PairElimination,
    consolidate,
    consolidate_region,
)
from juesuan.consolidate.tree import (
    ConsolidationError,
    Mode,
    UnitNode,
    choose_root,
    flat_tree,
    select,
    tree_from_parents,
)

__all__ = [
    "CHECKS",
    "Check",
    "Consolidation",
    "ConsolidationError",
    "Elimination",
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
