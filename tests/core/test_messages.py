"""Stored messages render in the reader's language, parameters and nested messages included."""

from __future__ import annotations

from django.utils import translation

from greenfactory.core.messages import Text, text_render


def test_a_stored_message_renders_in_the_active_language():
    stored = Text("unknown meter at this site.").as_json()
    with translation.override("zh-hans"):
        expected = translation.gettext("unknown meter at this site.")
        assert text_render(stored) == expected
    assert expected != "unknown meter at this site."
    with translation.override("en"):
        assert text_render(stored) == "unknown meter at this site."


def test_parameters_and_nested_messages_survive_the_round_trip():
    inner = Text("“%(value)s” is not an ISO 8601 time.", {"value": "10:00x"})
    outer = Text("start: %(reason)s", {"reason": inner})
    back = Text.from_json(outer.as_json())
    assert back == outer
    with translation.override("en"):
        assert str(back) == "start: “10:00x” is not an ISO 8601 time."


def test_text_stored_before_is_shown_as_it_was():
    assert text_render("an old reason") == "an old reason"
    assert text_render(None) == ""
