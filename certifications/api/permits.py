"""The permits register through the API: list (filtered like the page), read, record, and change
from a version (409 on a conflict)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

from ..filters.permits import PermitFilter
from ..models import Clause, Evidence, Permit, PermitKind
from ..selectors import permits as selectors
from ..services import permits as services
from ._common import EditConflictSerializer, entry_changes, entry_created, user_field, version_field
from .obligations import REGISTERS


class PermitSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sites = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    status = serializers.CharField(read_only=True, help_text="valid, expiring, expired or revoked (derived).")
    conditions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Permit
        fields = [
            "id",
            "reference",
            "title",
            "title_zh",
            "kind",
            "number",
            "issuer",
            "scope",
            "issued_on",
            "expires_on",
            "reminder_days",
            "revoked_on",
            "status",
            "sites",
            "owner",
            "clauses",
            "evidence",
            "findings",
            "conditions",
            "notes",
            "version",
        ]
        read_only_fields = fields


class PermitWriteSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=300)
    title_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=PermitKind.choices)
    number = serializers.CharField(max_length=100)
    issuer = serializers.CharField(max_length=200)
    scope = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    issued_on = serializers.DateField(required=False, allow_null=True, validators=[validate_plausible_date])
    expires_on = serializers.DateField(required=False, allow_null=True, validators=[validate_plausible_date])
    reminder_days = serializers.IntegerField(min_value=0, max_value=730, required=False)
    revoked_on = serializers.DateField(required=False, allow_null=True, validators=[validate_plausible_date])
    owner = user_field()
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    sites = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), many=True, required=False
    )
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True, required=False)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)


class PermitUpdateSerializer(PermitWriteSerializer):
    version = version_field(help_text="The version the change was made on; 409 when it is stale.")


class PermitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PermitSerializer
    permission_classes = [REGISTERS]
    filterset_class = PermitFilter

    def get_queryset(self):
        return selectors.permit_list().prefetch_related("clauses", "evidence", "findings", "conditions")

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(PermitSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(
        summary="Record a permit or licence", request=PermitWriteSerializer, responses={201: PermitSerializer}
    )
    def create(self, request, **kwargs):
        permit = entry_created(request, PermitWriteSerializer, services.permit_create)
        return self._answer(permit.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a permit (renewal, revocation)",
        description="From the version read; 409 with `current_version` when someone changed it since.",
        request=PermitUpdateSerializer,
        responses={200: PermitSerializer, 409: EditConflictSerializer},
    )
    def partial_update(self, request, pk=None, **kwargs):
        permit = self.get_object()
        version, data = entry_changes(request, PermitUpdateSerializer)
        links = {name: data.pop(name, None) for name in ("sites", "clauses", "evidence")}
        services.permit_update(permit=permit, by=request.user, version=version, **links, **data)
        return self._answer(permit.pk)
