"""Form helpers shared by every app's pages."""

from __future__ import annotations

from typing import TypeVar

from django import forms

from .exceptions import DomainError

F = TypeVar("F", bound=forms.BaseForm)

# A date input the browser renders as a date picker, in the ISO format the server parses.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def form_add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's refusal on the form: on its field when the form has that field, else on top."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def form_refused(form_class: type[F], message: str) -> F:
    """An empty bound form carrying one error, for requests refused before their body was read."""
    form = form_class(data={})
    form.full_clean()
    form.errors.clear()
    form.add_error(None, message)
    return form
