"""Forms of the sign-in pages that differ from Django's own."""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms

from .roles import Role, roles_of


def is_gateway(user) -> bool:
    """Gateway accounts authenticate with keys; they never set or reset a password on a page."""
    return Role.GATEWAY in roles_of(user)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, which never mails a gateway account a reset link."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if not is_gateway(user))
