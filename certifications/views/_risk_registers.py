"""The list and entry pages of the aspects, hazards and incidents registers: the shared register
pages of ``_registers_common``, under the names those pages import."""

from __future__ import annotations

from ._registers_common import EXPORT_FORMATS, PAGE_SIZE, RegisterDetailView, RegisterListView, with_links

__all__ = ["EXPORT_FORMATS", "PAGE_SIZE", "RegisterDetailView", "RegisterListView", "with_links"]
