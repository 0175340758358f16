"""Turning a service's refusal into a form error."""

from __future__ import annotations

from django import forms

from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error, form_refused


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
