"""Turning a service's refusal into a form error."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error, form_refuse, form_refused


class _Form(forms.Form):
    title = forms.CharField()


def test_a_refusal_naming_a_field_of_the_form_is_shown_on_that_field():
    form = _Form(data={"title": "x"})
    form.is_valid()
    form_add_domain_error(form, DomainError("Too short.", field="title"))
    assert form.errors == {"title": ["Too short."]}


def test_a_refusal_naming_another_field_is_shown_on_top_of_the_form():
    form = _Form(data={"title": "x"})
    form.is_valid()
    form_add_domain_error(form, DomainError("Choose a site.", field="sites"))
    assert form.non_field_errors() == ["Choose a site."]


def test_a_refused_form_carries_only_the_refusal():
    form = form_refused(_Form, "The file is too large.")
    assert form.errors == {"__all__": ["The file is too large."]}


class _UploadForm(forms.Form):
    site = forms.CharField()
    file = forms.CharField()


def test_a_refusal_pinned_to_a_field_is_shown_there_whatever_field_it_names():
    form = _UploadForm(data={"site": "s", "file": "f"})
    form.is_valid()
    form_add_domain_error(form, DomainError("Unknown site.", field="site"), field="file")
    assert form.errors == {"file": ["Unknown site."]}


def test_a_model_validation_error_is_shown_as_one_error_on_top():
    form = _Form(data={"title": "x"})
    form.is_valid()
    form_add_domain_error(form, ValidationError({"title": ["Too short."], "ts": ["In the future."]}))
    assert form.errors == {"__all__": ["Too short.; In the future."]}


def test_refusing_a_bound_form_keeps_its_input_and_replaces_its_errors():
    form = form_refuse(_Form(data={"title": ""}), "Too many attempts.")
    assert form.errors == {"__all__": ["Too many attempts."]}
    assert form["title"].value() == ""
    assert form_refuse(_Form(data={"title": "kept"}), "Wait.")["title"].value() == "kept"
