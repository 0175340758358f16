"""YAML from people's uploads (standards, green-factory schemes): PyYAML's safe loader without
aliases. An alias (``*name``) makes the node graph share nodes, so a few hundred bytes of nested
aliases (the "billion laughs") unfold into billions of values when a parser walks the tree; no
clause tree or scheme needs them, so the first one is refused with its line."""

from __future__ import annotations

import yaml
from django.utils.translation import gettext_lazy as _
from yaml.composer import ComposerError

ALIAS_REFUSED = _("Aliases (*name) are not accepted: write each value out.")


class AliasRefused(ComposerError):
    """The file uses an alias (``*name``)."""


class UntrustedLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise AliasRefused(None, None, "aliases are not accepted", event.start_mark)
        return super().compose_node(parent, index)


def compose_untrusted(text: str) -> yaml.Node | None:
    """The node tree of an uploaded YAML text; raises yaml.YAMLError (AliasRefused for an alias)."""
    return yaml.compose(text, Loader=UntrustedLoader)
