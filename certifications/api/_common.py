"""What the API modules of audits and findings share: their permission, people named by user
name, versions sent back, and the answer to an edit conflict."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from greenfactory.accounts.models import User
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability

AUDITS = capability_permission(read=Capability.AUDITS_READ, write=Capability.AUDITS_WRITE)
# Versions a client sends back: a whole number the database's column can hold.
MAX_VERSION = 2**31 - 1


def active_users():
    """Who may be named on an audit, a finding or an action: any active account."""
    return User.objects.filter(is_active=True).order_by("username")


def user_field(**kwargs: Any) -> serializers.SlugRelatedField:
    """A person named by user name; only active accounts are accepted."""
    return serializers.SlugRelatedField(slug_field="username", queryset=active_users(), **kwargs)


def version_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_VERSION, **kwargs)


class EditConflictSerializer(serializers.Serializer):
    """409 when the record changed since the version the change was made on; nothing was saved."""

    version = serializers.ListField(child=serializers.CharField())
    code = serializers.CharField()
    current_version = serializers.IntegerField()


def entry_created(request, serializer_class: type[serializers.Serializer], create) -> Any:
    """Validate a register entry's POST body with ``serializer_class`` and store it with ``create``
    (a service taking ``by`` and the fields); the stored entry."""
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return create(by=request.user, **payload.validated_data)


def entry_changes(request, serializer_class: type[serializers.Serializer]) -> tuple[int, dict[str, Any]]:
    """A PATCH body validated partially: the version the person read (required, for the edit-conflict
    check) and the fields sent."""
    payload = serializer_class(data=request.data, partial=True)
    payload.is_valid(raise_exception=True)
    data = dict(payload.validated_data)
    version = data.pop("version", None)
    if version is None:
        raise serializers.ValidationError({"version": [_("This field is required.")]})
    return version, data
