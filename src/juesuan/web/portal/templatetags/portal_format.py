"""Template filters of the portal: amounts in 万元 and their changes; 无数据 for gaps."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from juesuan.money import format_wan
from juesuan.web.portal.figures import MISSING, Change

register = template.Library()


@register.filter
def wan(value: Decimal | None) -> SafeString:
    """An amount with thousands separators and two decimals; 无数据 when unknown."""
    if value is None:
        return format_html('<span class="missing">{}</span>', MISSING)
    return format_html("{}", format_wan(value, thousands=True))


@register.filter
def delta(value: Change | None) -> SafeString:
    """A change: signed amount and rate, e.g. ＋12.34（+0.42%）; 无数据 when unknown."""
    if value is None:
        return format_html('<span class="missing">{}</span>', MISSING)
    sign = "+" if value.amount > 0 else ""
    amount = format_wan(value.amount, thousands=True)
    if value.rate is None:
        rate = "基数为 0"
    else:
        rate = f"{'+' if value.rate > 0 else ''}{format_wan(value.rate)}%"
    return format_html('<span class="delta {}">{}{}<small>（{}）</small></span>', value.direction, sign, amount,
                       rate)
