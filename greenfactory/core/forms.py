"""Form helpers shared by every app's pages."""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

from .exceptions import DomainError

F = TypeVar("F", bound=forms.BaseForm)

# A date input the browser renders as a date picker, in the ISO format the server parses.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def form_add_domain_error(
    form: forms.BaseForm, exc: DomainError | ValidationError, *, field: str | None = None
) -> None:
    """Show a service's refusal on the form: on its field when the form has that field, else on top.

    ``field`` pins the refusal to one field of the form whatever it names (an upload's file input).
    A model's ``ValidationError`` shows its messages together, as one error.
    """
    if isinstance(exc, ValidationError):
        form.add_error(field, "; ".join(exc.messages))
        return
    if field is None and exc.field in form.fields:
        field = exc.field
    form.add_error(field, exc.message)


def form_refuse(form: F, message: str) -> F:
    """The form with its own errors replaced by one on top, for a request refused as a whole."""
    form.full_clean()
    form.errors.clear()
    form.add_error(None, message)
    return form


def form_refused(form_class: type[F], message: str) -> F:
    """An empty bound form carrying one error, for requests refused before their body was read."""
    return form_refuse(form_class(data={}), message)
