"""Messages that are stored and read later: kept as their English source and parameters, rendered
in the reader's language when shown (an import checked by an English speaker reads in Chinese on a
Chinese page).

Mark the source with ``gettext_noop`` so that ``makemessages`` collects it::

    Text(gettext_noop("unknown meter at this site."))
    Text(gettext_noop("value “%(value)s” is not a number."), {"value": raw})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext


@dataclass(frozen=True)
class Text:
    """A translatable message with its parameters; ``str()`` renders it in the active language.
    A parameter may itself be a ``Text`` (rendered in the same language)."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        translated = gettext(self.msgid)
        if not self.params:
            return translated
        return translated % {key: str(value) for key, value in self.params.items()}

    def as_json(self) -> dict[str, Any]:
        """A JSON-storable form that ``text_render`` reads back."""
        return {
            "msgid": self.msgid,
            "params": {k: v.as_json() if isinstance(v, Text) else v for k, v in self.params.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        params = {
            k: cls.from_json(v) if isinstance(v, Mapping) and "msgid" in v else v
            for k, v in (data.get("params") or {}).items()
        }
        return cls(str(data["msgid"]), params)


def text_render(value: object) -> str:
    """A stored message in the active language: a ``Text``, its JSON form, or plain text stored
    before messages were kept as sources (shown as it was stored)."""
    if isinstance(value, Text):
        return str(value)
    if isinstance(value, Mapping) and "msgid" in value:
        return str(Text.from_json(value))
    return "" if value is None else str(value)
