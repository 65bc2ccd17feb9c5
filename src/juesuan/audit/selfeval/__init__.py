"""绩效自评表 printed in a report, read back into a :class:`~juesuan.filing.performance.Performance`.

Pure: reads the grids of a :class:`~juesuan.audit.source.SourceDocument` and returns what
the forms state — the funds block (预算数、执行数、执行率、得分), the indicators (一级、二级、
三级指标, 年初目标值 / 年度指标值, 实际完成值, 分值, 得分, 偏差原因分析), the 年度目标 blocks of
a 部门整体 form with their points, 总分 and the 偏差原因分析 / 改进措施 rows — in the model a
filing uses, so the P.* rules judge a published form exactly as they judge a filing.

Three form families are recognised (domain.md §5): the Hubei 20/80 form (预算数(A) /
执行数(B) / 执行率(B/A) / 得分(20分*执行率); 年初目标值(A) / 实际完成值(B) / 得分; a
部门整体 form with 年度目标1:(30分) blocks and one 得分 per block), the central 10/50/30/10
form (年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分 with 年度资金总额 and 其中 rows;
年度指标值 / 实际完成值 / 分值 / 得分 / 偏差原因分析及改进措施) and Sichuan's 10/90 form (指标性质,
度量单位). Columns are found by their header words; a row's cells are read from its first
cell (a merged 一级指标 or 二级指标 cell printed once for several rows is carried down).

What a published form does not record is inferred from what it prints, and said so:

* the scheme: 20 points for budget execution → hubei-2020; 10 → central-2020, or
  sichuan-2023 when the form has a 指标性质 column;
* indicator weights of a Hubei project form (which prints only 得分): the printed scores,
  when they add up to the block's points (every indicator full);
* the tier of a qualitative indicator (or one whose actual value cannot be compared with its
  target): from its printed score over its weight — ≥ 80 % 达成, ≥ 50 % 部分达成, else 未达成
  — with the printed score as its fraction; in a 年度目标 block that prints one score, the
  block's score less what the quantitative indicators earn, shared by the qualitative ones.
  So the audit judges the form's arithmetic, not the evaluator's judgement.

The stages, one module each: ``cells`` (the words and figures of a form's cells), ``form``
(reading one form into a draft), ``model`` (the draft as a :class:`Form`), ``find`` (the forms
among a report's grids), ``scheme`` (the scheme guessed and what the forms do not print
inferred) and ``check`` (the P.* rules on them). This package gives what the audit uses.
"""

from __future__ import annotations

from juesuan.audit.selfeval.cells import (
    Figure,
    Printed,
    compact,
    figure,
    form_key,
    level1_of,
    level2_of,
)
from juesuan.audit.selfeval.check import check_forms
from juesuan.audit.selfeval.find import form_lines, read_forms
from juesuan.audit.selfeval.model import Form, SelfEvaluation
from juesuan.audit.selfeval.scheme import guess_scheme, infer, self_evaluation

__all__ = [
    "Figure", "Form", "Printed", "SelfEvaluation", "check_forms", "compact", "figure", "form_key",
    "form_lines", "guess_scheme", "infer", "level1_of", "level2_of", "read_forms", "self_evaluation",
]
