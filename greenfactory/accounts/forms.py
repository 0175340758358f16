"""Forms of the sign-in pages that differ from Django's own."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .roles import Role, roles_of


def is_gateway(user) -> bool:
    """Gateway accounts authenticate with keys; they never set or reset a password on a page."""
    return Role.GATEWAY in roles_of(user)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, which never mails a gateway account a reset link."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if not is_gateway(user))


class SecondFactorCodeForm(forms.Form):
    """One code: the six digits an authenticator app shows, or (where accepted) a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].help_text = _(
                "The six digits your authenticator app shows, or one of your recovery codes."
            )
        else:
            self.fields["code"].help_text = _("The six digits your authenticator app shows now.")
