"""Text that exists in English and, optionally, in Chinese (a ``name`` beside a ``name_zh``): the one
to show in the active language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def chinese_active() -> bool:
    """Whether the active language is Simplified Chinese."""
    return (get_language() or "").lower().startswith("zh")


def local_text(item: Any, field: str = "name") -> str:
    """``item``'s ``<field>_zh`` on Chinese pages when it is given, else its ``field``.

    ``item`` is a model instance, a dataclass or a mapping (shipped data read from YAML)."""
    if item is None:
        return ""

    def read(name: str) -> Any:
        if isinstance(item, dict):
            return item.get(name)
        return getattr(item, name, None)

    if chinese_active():
        chinese = read(f"{field}_zh")
        if chinese:
            return str(chinese)
    value = read(field)
    return "" if value is None else str(value)
