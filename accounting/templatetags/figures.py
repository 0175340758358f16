"""``figure``: a reported quantity at up to ``places`` decimals (3 by default), trailing zeros
dropped, in the page's number format with thousands grouped (208.5, 1,000,000, 0.6205)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter(name="figure")
def figure(value: object, places: int = 3) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    rounded = number.quantize(Decimal(1).scaleb(-int(places)))
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text), use_l10n=True, force_grouping=True)
