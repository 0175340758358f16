"""``{{ meter|local }}``, ``{{ factor|local:"source" }}``: the Chinese text on Chinese pages when given."""

from __future__ import annotations

from typing import Any

from django import template

from greenfactory.core.localized import local_text

register = template.Library()


@register.filter(name="local")
def local(item: Any, field: str = "name") -> str:
    return local_text(item, field)
