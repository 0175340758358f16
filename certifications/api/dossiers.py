"""Audit dossiers through the API: list (filtered like the page) and read with progress, request a
new one (rendered by a worker), download the PDF, and verify a file or a SHA-256."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.exceptions import TransitionNotAllowed
from greenfactory.sites.models import Site

from ..exports.dossiers import dossier_file_response
from ..filters.dossiers import DossierFilter
from ..models import Audit, Dossier, DossierKind, DossierLanguage, Evaluation, Standard
from ..selectors import dossiers as dossier_selectors
from ..services import dossier_verify
from ..services import dossiers as dossier_services

DOSSIERS = capability_permission(read=Capability.DOSSIERS_READ, write=Capability.DOSSIERS_WRITE)
# Verifying reads a file and writes nothing: whoever may see dossiers may verify one.
DOSSIERS_VERIFY = capability_permission(read=Capability.DOSSIERS_READ, write=Capability.DOSSIERS_READ)
MAX_VERIFY_BYTES = 200 * 1024 * 1024


class DossierSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    subject = serializers.CharField(source="subject_label", read_only=True)
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Dossier
        fields = [
            "id",
            "reference",
            "kind",
            "subject",
            "audit",
            "standard",
            "site",
            "year",
            "evaluation",
            "period_start",
            "period_end",
            "language",
            "version",
            "status",
            "sections_done",
            "sections_total",
            "pages_done",
            "error",
            "requested_by",
            "requested_at",
            "started_at",
            "completed_at",
            "sha256",
            "size",
            "page_count",
            "sealed",
            "seal_note",
        ]
        read_only_fields = fields


class DossierRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DossierKind.choices)
    language = serializers.ChoiceField(choices=DossierLanguage.choices)
    audit = serializers.PrimaryKeyRelatedField(queryset=Audit.objects.all(), required=False, allow_null=True)
    standard = serializers.PrimaryKeyRelatedField(
        queryset=Standard.objects.all(), required=False, allow_null=True
    )
    site = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), required=False, allow_null=True
    )
    year = serializers.IntegerField(min_value=1990, max_value=2100, required=False, allow_null=True)
    evaluation = serializers.PrimaryKeyRelatedField(
        queryset=Evaluation.objects.select_related("site"),
        required=False,
        allow_null=True,
        help_text="The green-factory self-evaluation (kind green).",
    )


class DossierVerifySerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="The dossier PDF to check.")
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", required=False, help_text="Or only its SHA-256.")

    def validate(self, attrs):
        if not attrs.get("file") and not attrs.get("sha256"):
            raise serializers.ValidationError(_("Upload the PDF or enter its SHA-256."))
        upload = attrs.get("file")
        if upload is not None and upload.size > MAX_VERIFY_BYTES:
            raise serializers.ValidationError({"file": _("The file is larger than any dossier.")})
        return attrs


class VerificationSerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    issued_here = serializers.BooleanField()
    genuine = serializers.BooleanField()
    dossier = serializers.DictField(allow_null=True)
    named_dossier = serializers.DictField(allow_null=True)
    seal = serializers.DictField(allow_null=True)
    evidence_changes = serializers.ListField(child=serializers.DictField())
    problems = serializers.ListField(child=serializers.CharField())


@extend_schema_view(
    list=extend_schema(summary="List dossiers (filter by kind, site, status, language)"),
    retrieve=extend_schema(summary="One dossier with its rendering progress"),
    create=extend_schema(
        summary="Request a dossier (rendered by a worker; poll the dossier for progress)",
        request=DossierRequestSerializer,
        responses={201: DossierSerializer},
    ),
)
class DossierViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DossierSerializer
    permission_classes = [DOSSIERS]
    filterset_class = DossierFilter

    def get_queryset(self):
        return dossier_selectors.dossier_list()

    def create(self, request, *args, **kwargs):
        payload = DossierRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        dossier = dossier_services.dossier_request(by=request.user, **payload.validated_data)
        return Response(DossierSerializer(dossier).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download the dossier's PDF (complete dossiers only)",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="The dossier is not complete: it has no file yet."),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None, **kwargs):
        dossier = self.get_object()
        try:
            complete = dossier_selectors.dossier_for_download(pk=dossier.pk)
        except Dossier.DoesNotExist as exc:
            raise TransitionNotAllowed(_("The dossier has no file: it is not complete.")) from exc
        return dossier_file_response(complete)

    @extend_schema(
        summary="Verify a dossier file (multipart) or a SHA-256",
        request={"multipart/form-data": DossierVerifySerializer, "application/json": DossierVerifySerializer},
        responses={200: VerificationSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[DOSSIERS_VERIFY],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def verify(self, request, **kwargs):
        payload = DossierVerifySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data.get("file")
        if upload is not None:
            result = dossier_verify.dossier_verify_file(data=upload.read())
        else:
            result = dossier_verify.dossier_verify_hash(sha256=payload.validated_data["sha256"])
        return Response(result.as_dict())
