"""Budget performance self-evaluation (预算绩效自评): scoring schemes, targets and scoring.

The filed self-evaluations themselves are part of the filing model
(:mod:`juesuan.filing.performance`).
"""
