"""Forms of the portal's staff pages: inviting an auditor, filtering the access log."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from greenfactory.core.forms import DATE_INPUT

from ..models import PortalAction


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("The certification body the auditor works for."),
    )
    require_second_factor = forms.BooleanField(
        label=_("Require a second factor at sign-in"), required=False, initial=True
    )


class AccessLogFilterForm(forms.Form):
    """Filters of the access log; a value that does not parse is ignored, never an error page."""

    auditor = forms.TypedChoiceField(label=_("Auditor"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *PortalAction.choices]
    )
    since = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, auditors=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auditor"].choices = [("", _("All auditors"))] + [
            (u.pk, u.display_name) for u in auditors
        ]
