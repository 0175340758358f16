"""API of certificates: records, their status and surveillance audits."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

from ..models import Certificate, CertificateStatus, Evidence, Standard, SurveillanceAudit
from ..models.certificates import INITIAL_STATUSES
from ..selectors import certificates as certificate_selectors
from ..selectors import evidence as evidence_selectors
from ..services import certificates as certificate_services

CERTIFICATES = capability_permission(read=Capability.CERTIFICATES_READ, write=Capability.CERTIFICATES_WRITE)


class SurveillanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveillanceAudit
        fields = ["id", "due_on", "done_on", "note"]


class SurveillanceDatesField(serializers.ListField):
    """Dates as a list, or typed as on the page: one string of dates separated by commas."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.DateField(validators=[validate_plausible_date]), **kwargs)

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, str):
            data = [data]
        if isinstance(data, list) and all(isinstance(item, str) for item in data):
            data = [part.strip() for item in data for part in item.split(",") if part.strip()]
        return super().to_internal_value(data)


INITIAL_STATUS_CHOICES = [c for c in CertificateStatus.choices if c[0] in INITIAL_STATUSES]


class InitialStatusField(serializers.ChoiceField):
    """A certificate's status: recorded with one of the initial statuses, answered with any."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=INITIAL_STATUS_CHOICES, **kwargs)


class InitialStatusFieldSchema(OpenApiSerializerFieldExtension):
    """In the schema: the initial statuses in requests, every status in responses."""

    target_class = "certifications.api.certificates.InitialStatusField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_choice_field(self.target)
        return build_choice_field(serializers.ChoiceField(choices=CertificateStatus.choices))


class CertificateSerializer(serializers.ModelSerializer):
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all())
    sites = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all(), many=True)
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=evidence_selectors.owner_candidates()
    )
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), required=False, allow_null=True
    )
    status = InitialStatusField(
        required=False, help_text="On creation only; later changes go through the status action."
    )
    surveillance_audits = SurveillanceSerializer(many=True, read_only=True)
    surveillance_dates = SurveillanceDatesField(
        write_only=True,
        required=False,
        help_text="Dates (YYYY-MM-DD), as a list or separated by commas; empty: one a year.",
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "standard",
            "certification_body",
            "number",
            "scope",
            "sites",
            "issued_on",
            "expires_on",
            "status",
            "owner",
            "evidence",
            "surveillance_audits",
            "surveillance_dates",
        ]
        validators: list[Any] = []


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CertificateStatus.choices)


class SurveillanceDoneSerializer(serializers.Serializer):
    audit = serializers.IntegerField()
    done_on = serializers.DateField()


@extend_schema_view(
    list=extend_schema(summary="List certificates"),
    retrieve=extend_schema(summary="One certificate"),
    create=extend_schema(summary="Record a certificate"),
    partial_update=extend_schema(summary="Change a certificate (not its status)"),
    update=extend_schema(summary="Replace a certificate's fields (not its status)"),
)
class CertificateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CertificateSerializer
    permission_classes = [CERTIFICATES]
    filterset_fields = ["standard", "status"]

    def get_queryset(self):
        return certificate_selectors.certificate_list()

    def perform_create(self, serializer):
        serializer.instance = certificate_services.certificate_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        for ignored in ("status", "surveillance_dates", "standard"):
            fields.pop(ignored, None)
        sites = fields.pop("sites", None)
        certificate = certificate_services.certificate_update(
            certificate=serializer.instance, by=self.request.user, sites=sites, **fields
        )
        serializer.instance = certificate_selectors.certificate_list().get(pk=certificate.pk)

    @extend_schema(summary="Change the status", request=StatusSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None, **kwargs):
        payload = StatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        certificate_services.certificate_set_status(
            certificate=self.get_object(), status=payload.validated_data["status"], by=request.user
        )
        return Response(CertificateSerializer(certificate_selectors.certificate_list().get(pk=pk)).data)

    @extend_schema(
        summary="Record a surveillance audit as done",
        request=SurveillanceDoneSerializer,
        responses=CertificateSerializer,
    )
    @action(detail=True, methods=["post"])
    def surveillance(self, request, pk=None, **kwargs):
        certificate = self.get_object()
        payload = SurveillanceDoneSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        audit = certificate.surveillance_audits.filter(pk=payload.validated_data["audit"]).first()
        if audit is None:
            raise Http404
        certificate_services.surveillance_audit_record(
            audit=audit, done_on=payload.validated_data["done_on"], by=request.user
        )
        return Response(CertificateSerializer(certificate_selectors.certificate_list().get(pk=pk)).data)
