"""The checks of the figures a report states in its text: against each other and its tables.

Each check reads a :class:`juesuan.audit.claim_subject.ClaimSet` (the claims of one report
and, when they were read, its tables) and reports on a :class:`juesuan.rules.registry.Report`.
They are split by what they check:

* :mod:`.figures` — figures against the table cell they state or the figures they are
  derived from: amounts and units against the tables, totals against their parts, shares,
  completion rates and changes recomputed, decimals, the counts of the “三公” items;
* :mod:`.statements` — what the text says in words: directions and comparisons against the
  figures, missing reasons, the purpose of a 项, a figure repeated differently, the year,
  malformed numbers and duplicated words.

Recomputed figures are graded by interval arithmetic over the rounding of their inputs
(:mod:`juesuan.audit.grading`): a difference rounding explains is info, never an error.
The rules themselves (ids, severities, descriptions) are listed in
:mod:`juesuan.audit.claim_rules` (scope ``claims``); :func:`juesuan.audit.claim_rules.check_claims`
runs them on the claims of one report.
"""
