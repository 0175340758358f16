"""Figures of the material-balance pages: a stored decimal without its trailing zeros, in the page's
number format (97.9, not 97.9000), or a dash when it was not recorded."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value, "f")
    places = len(text.split(".")[1].rstrip("0")) if "." in text else 0
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
