"""Every bound juesuan puts on its input, in one place.

Readers, parsers and the web app take their limits from here, and ``docs/limits.md`` is
generated from :data:`LIMITS` (a test keeps it current), so what is documented is what
is enforced. Exceeding a bound is a clear Chinese message and exit code 2, never a
traceback, a hang or a machine out of memory.

Each limit is a plain module constant (what the code reads) plus one :class:`Limit`
entry describing it (what the documentation reads). Add both together.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    name: str  # the constant's name in this module
    value: int
    unit: str  # Chinese: 字节、位、页、行…
    area: str  # which input: 填报文件、数字、评分办法、公开报告、网页…
    what: str  # Chinese: what is bounded and what happens beyond


# ---------------------------------------------------------------- numbers (the core)
# Amounts: at most 18 integer digits (a national budget is about 10^13 元).
MAX_INTEGER_DIGITS = 18

# ---------------------------------------------------------------- filing files

# ---------------------------------------------------------------- scoring schemes

# ---------------------------------------------------------------- published reports (audit, import)

# ---------------------------------------------------------------- web application


LIMITS: tuple[Limit, ...] = (
    Limit("MAX_INTEGER_DIGITS", MAX_INTEGER_DIGITS, "位", "数字",
          "金额整数部分的位数；超出即为无法读取（退出码 2），不参与运算"),
)


def limits_markdown() -> str:
    """docs/limits.md: every bound, grouped by the input it applies to."""
    lines = ["# 输入限制", "",
             "juesuan 对每一种输入都设了明确的上限。超出上限时给出中文说明（指明文件、位置和限制），",
             "退出码 2，不写出任何文件；不会出现程序错误、长时间无响应或内存耗尽。",
             "本页由 `juesuan.limits.LIMITS` 生成（`python -m juesuan.limits > docs/limits.md`）。", ""]
    areas: list[str] = []
    for limit in LIMITS:
        if limit.area not in areas:
            areas.append(limit.area)
    for area in areas:
        lines += [f"## {area}", "", "| 限制 | 上限 | 说明 |", "|---|---|---|"]
        for limit in LIMITS:
            if limit.area == area:
                lines.append(f"| `{limit.name}` | {limit.value:,} {limit.unit} | {limit.what} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(limits_markdown(), end="")
