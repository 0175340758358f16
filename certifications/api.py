"""REST API of certifications under /api/v1/: thin viewsets calling selectors and services."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.sites.models import Site

from . import selectors, services
from .exceptions import ImportRejected
from .filters import EvidenceFilter
from .models import (
    Certificate,
    CertificateStatus,
    Clause,
    ClauseExclusion,
    ClauseMapping,
    Evidence,
    EvidenceRevision,
    EvidenceStatus,
    MappingRelation,
    Reminder,
    Standard,
    SurveillanceAudit,
)
from .standards_io import to_xlsx, to_yaml
from .views.evidence import refuse_oversized_body, revision_file_response
from .views.standards import XLSX_TYPE, read_standard_file

STANDARDS = capability_permission(read=Capability.STANDARDS_READ, write=Capability.STANDARDS_WRITE)
EVIDENCE = capability_permission(read=Capability.EVIDENCE_READ, write=Capability.EVIDENCE_WRITE)
CERTIFICATES = capability_permission(read=Capability.CERTIFICATES_READ, write=Capability.CERTIFICATES_WRITE)
OWN_NOTIFICATIONS = capability_permission(read=Capability.EVIDENCE_READ, write=Capability.EVIDENCE_READ)


# --- standards ------------------------------------------------------------------------------------


class ClauseSerializer(serializers.ModelSerializer):
    standard = serializers.CharField(source="standard.label", read_only=True)
    parent = serializers.CharField(source="parent.number", read_only=True, default=None)

    class Meta:
        model = Clause
        fields = ["id", "standard", "number", "title", "title_zh", "parent", "depth"]


class StandardSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    replaced_by = serializers.CharField(source="replaced_by.label", read_only=True, default=None)
    clause_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Standard
        fields = [
            "id",
            "label",
            "code",
            "edition",
            "title",
            "title_zh",
            "status",
            "withdrawn_on",
            "replaced_by",
            "note",
            "note_zh",
            "clause_count",
        ]


class StandardImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A YAML (.yaml/.yml) or Excel (.xlsx) file.")
    carry_over_from = serializers.PrimaryKeyRelatedField(
        queryset=Standard.objects.all(), required=False, allow_null=True, help_text="An earlier edition's id."
    )


class CarryOverSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(
        queryset=Standard.objects.all(), help_text="The earlier edition's id."
    )


class ProblemSerializer(serializers.Serializer):
    location = serializers.CharField()
    message = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="List standards and editions"),
    retrieve=extend_schema(summary="One standard edition"),
)
class StandardViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StandardSerializer
    permission_classes = [STANDARDS]
    filterset_fields = ["code", "status"]
    ordering_fields = ["code", "edition"]

    def get_queryset(self):
        return selectors.standard_list().order_by("code", "edition")

    @extend_schema(
        summary="Export a standard as YAML or Excel",
        parameters=[
            OpenApiParameter("as", str, enum=["yaml", "xlsx"], description="File format (default yaml).")
        ],
        responses={(200, "application/yaml"): OpenApiTypes.BINARY, (200, XLSX_TYPE): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None, **kwargs):
        standard = self.get_object()
        data = selectors.standard_export_data(standard=standard)
        fmt = request.query_params.get("as", "yaml")
        if fmt not in ("yaml", "xlsx"):
            raise serializers.ValidationError({"as": [_("Use yaml or xlsx.")]})
        name = f"{standard.code}-{standard.edition}".replace("/", "").replace(" ", "-").lower()
        if fmt == "xlsx":
            response = HttpResponse(to_xlsx(data), content_type=XLSX_TYPE)
        else:
            response = HttpResponse(to_yaml(data), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response

    @extend_schema(
        summary="Import a standard or a new edition",
        description="Nothing is written unless the whole file is valid; a 400 answer lists every problem "
        "with its line (YAML) or cell (Excel).",
        request={"multipart/form-data": StandardImportSerializer},
        responses={
            201: StandardSerializer,
            400: inline_serializer(
                "ImportRejected",
                fields={"detail": serializers.CharField(), "problems": ProblemSerializer(many=True)},
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request, **kwargs):
        refuse_oversized_body(request)
        payload = StandardImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data, problems = read_standard_file(payload.validated_data["file"])
        if problems:
            return _rejected(problems)
        try:
            standard = services.standard_import(
                data=data, carry_over_from=payload.validated_data.get("carry_over_from"), by=request.user
            )
        except ImportRejected as exc:
            return _rejected(exc.problems)
        return Response(StandardSerializer(selectors.standard_list().get(pk=standard.pk)).data, status=201)

    @extend_schema(
        summary="Carry mappings and evidence links over from an earlier edition",
        request=CarryOverSerializer,
        responses=inline_serializer(
            "CarryOverResult",
            fields={"mappings": serializers.IntegerField(), "evidence_links": serializers.IntegerField()},
        ),
    )
    @action(detail=True, methods=["post"], url_path="carry-over")
    def carry_over(self, request, pk=None, **kwargs):
        payload = CarryOverSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        counts = services.standard_carry_over(
            source=payload.validated_data["source"], target=self.get_object(), by=request.user
        )
        return Response(counts)


def _rejected(problems) -> Response:
    return Response(
        {
            "detail": _("The standard was not imported."),
            "problems": [{"location": p.location, "message": p.message} for p in problems],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class ClauseMappingSerializer(serializers.ModelSerializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all())
    target = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all())
    relation = serializers.ChoiceField(choices=MappingRelation.choices)
    target_label = serializers.SerializerMethodField()

    class Meta:
        model = ClauseMapping
        fields = ["id", "source", "target", "relation", "target_label"]
        validators = []

    def get_target_label(self, obj) -> str:
        return f"{obj.target.standard.label} {obj.target.number}"


@extend_schema_view(
    list=extend_schema(summary="List clauses", description="Filter by standard id."),
    retrieve=extend_schema(summary="One clause"),
)
class ClauseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ClauseSerializer
    permission_classes = [STANDARDS]
    filterset_fields = ["standard", "number"]

    def get_queryset(self):
        return selectors.clause_list().select_related("parent")

    @extend_schema(
        summary="The crosswalk's equivalents of a clause", responses=ClauseMappingSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def equivalents(self, request, pk=None, **kwargs):
        mappings = selectors.crosswalk_equivalents(clauses=[self.get_object()])
        return Response(ClauseMappingSerializer(mappings, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="List crosswalk mappings"),
    create=extend_schema(summary="Map two clauses (stored both ways)"),
)
class ClauseMappingViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ClauseMappingSerializer
    permission_classes = [STANDARDS]
    filterset_fields = ["source", "target", "relation"]

    def get_queryset(self):
        return ClauseMapping.objects.select_related("target__standard").order_by("source_id", "target_id")

    def perform_create(self, serializer):
        serializer.instance = services.clause_mapping_add(**serializer.validated_data)


# --- evidence -------------------------------------------------------------------------------------


class RevisionSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.StringRelatedField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceRevision
        fields = [
            "id",
            "number",
            "original_name",
            "sha256",
            "size",
            "media_type",
            "note",
            "uploaded_by",
            "uploaded_at",
            "download",
        ]

    def get_download(self, obj) -> str:
        return f"/api/v1/evidence-revisions/{obj.pk}/download/"


class EvidenceSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", queryset=selectors.owner_candidates())
    sites = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), many=True, required=False
    )
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True, required=False)
    status = serializers.CharField(read_only=True)
    approver = serializers.StringRelatedField(read_only=True)
    latest_revision = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "title",
            "description",
            "owner",
            "sites",
            "clauses",
            "status",
            "approver",
            "approved_at",
            "review_date",
            "expiry_date",
            "latest_revision",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["approved_at", "created_at", "updated_at"]

    def validate(self, attrs):
        review = attrs.get("review_date", getattr(self.instance, "review_date", None))
        expiry = attrs.get("expiry_date", getattr(self.instance, "expiry_date", None))
        if review and expiry and review > expiry:
            raise serializers.ValidationError(
                {"review_date": _("The review date cannot be after the expiry date.")}
            )
        return attrs


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=EvidenceStatus.choices)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class LinkSerializer(serializers.Serializer):
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True)


@extend_schema_view(
    list=extend_schema(
        summary="Search the evidence register",
        description="Filter by standard, clause, site code, owner user name, status, expiry range and text.",
    ),
    retrieve=extend_schema(summary="One evidence item"),
    create=extend_schema(summary="Record evidence (as a draft)"),
    partial_update=extend_schema(summary="Change evidence (not its status)"),
    update=extend_schema(summary="Replace evidence fields (not its status)"),
)
class EvidenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EvidenceSerializer
    permission_classes = [EVIDENCE]
    filterset_class = EvidenceFilter
    ordering_fields = ["title", "expiry_date", "review_date", "status"]

    def get_queryset(self):
        return selectors.evidence_list()

    def perform_create(self, serializer):
        serializer.instance = services.evidence_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        clauses = fields.pop("clauses", None)
        evidence = services.evidence_update(evidence=serializer.instance, by=self.request.user, **fields)
        if clauses is not None:
            services.evidence_set_clauses(evidence=evidence, clauses=clauses, by=self.request.user)
        serializer.instance = selectors.evidence_list().get(pk=evidence.pk)

    @extend_schema(
        summary="Change the status (draft, in review, approved, superseded, expired)",
        request=TransitionSerializer,
        responses=EvidenceSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None, **kwargs):
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.evidence_transition(
            evidence=self.get_object(), to=payload.validated_data["to"], by=request.user
        )
        return Response(EvidenceSerializer(selectors.evidence_list().get(pk=pk)).data)

    @extend_schema(
        methods=["get"],
        summary="List the file revisions of an item",
        operation_id="v1_evidence_revisions_of_item",
        responses=RevisionSerializer(many=True),
    )
    @extend_schema(
        methods=["post"],
        summary="Upload a file revision (drafts only)",
        operation_id="v1_evidence_revisions_upload",
        description="413 when over the size limit, 415 when the content is not an accepted type.",
        request={"multipart/form-data": UploadSerializer},
        responses={201: RevisionSerializer},
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def revisions(self, request, pk=None, **kwargs):
        evidence = self.get_object()
        if request.method == "GET":
            revisions = evidence.revisions.select_related("uploaded_by").order_by("-number")
            return Response(RevisionSerializer(revisions, many=True).data)
        refuse_oversized_body(request)
        payload = UploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        revision = services.evidence_revision_add(
            evidence=evidence,
            file=upload,
            name=upload.name,
            note=payload.validated_data["note"],
            by=request.user,
        )
        return Response(RevisionSerializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Link clauses", request=LinkSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def link(self, request, pk=None, **kwargs):
        payload = LinkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.evidence_link_clauses(
            evidence=self.get_object(), clauses=payload.validated_data["clauses"], by=request.user
        )
        return Response(EvidenceSerializer(selectors.evidence_list().get(pk=pk)).data)

    @extend_schema(summary="Remove clause links", request=LinkSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def unlink(self, request, pk=None, **kwargs):
        payload = LinkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        evidence = self.get_object()
        for clause in payload.validated_data["clauses"]:
            services.evidence_unlink_clause(evidence=evidence, clause=clause, by=request.user)
        return Response(EvidenceSerializer(selectors.evidence_list().get(pk=pk)).data)


@extend_schema_view(
    list=extend_schema(summary="List file revisions"), retrieve=extend_schema(summary="One file revision")
)
class EvidenceRevisionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RevisionSerializer
    permission_classes = [EVIDENCE]
    filterset_fields = ["evidence"]

    def get_queryset(self):
        return EvidenceRevision.objects.select_related("uploaded_by").order_by("evidence_id", "-number")

    @extend_schema(
        summary="Download the file (permission-checked)",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None, **kwargs):
        return revision_file_response(self.get_object())


# --- coverage and exclusions ----------------------------------------------------------------------


class CoverageQuerySerializer(serializers.Serializer):
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all())
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())


class CoverageRowSerializer(serializers.Serializer):
    clause = serializers.CharField()
    clause_id = serializers.IntegerField()
    title = serializers.CharField()
    heading = serializers.BooleanField()
    state = serializers.CharField()
    certificate_lapsed = serializers.BooleanField()
    evidence = serializers.ListField(child=serializers.IntegerField())
    justification = serializers.CharField(allow_null=True)


class CoverageViewSet(viewsets.GenericViewSet):
    permission_classes = [EVIDENCE]
    serializer_class = CoverageQuerySerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="Coverage of a standard at a site",
        parameters=[
            OpenApiParameter("standard", int, required=True, description="Standard id."),
            OpenApiParameter("site", str, required=True, description="Site code."),
        ],
        responses=inline_serializer(
            "Coverage",
            fields={
                "standard": serializers.CharField(),
                "site": serializers.CharField(),
                "today": serializers.DateField(),
                "window_days": serializers.IntegerField(),
                "totals": serializers.DictField(child=serializers.IntegerField()),
                "covered_percent": serializers.IntegerField(),
                "lapsed_certificates": serializers.ListField(child=serializers.IntegerField()),
                "rows": CoverageRowSerializer(many=True),
            },
        ),
    )
    def list(self, request, **kwargs):
        query = CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        report = selectors.coverage(
            standard=query.validated_data["standard"], site=query.validated_data["site"]
        )
        return Response(
            {
                "standard": report.standard.label,
                "site": report.site.code,
                "today": report.today,
                "window_days": report.window_days,
                "totals": report.totals,
                "covered_percent": report.covered_percent,
                "lapsed_certificates": [c.pk for c in report.lapsed_certificates],
                "rows": [
                    {
                        "clause": row.clause.number,
                        "clause_id": row.clause.pk,
                        "title": row.clause.title,
                        "heading": row.is_heading,
                        "state": row.state,
                        "certificate_lapsed": row.certificate_lapsed,
                        "evidence": [e.pk for e in row.evidence],
                        "justification": row.exclusion.justification if row.exclusion else None,
                    }
                    for row in report.rows
                ],
            }
        )


class ClauseExclusionSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    clause = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all())
    created_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = ClauseExclusion
        fields = ["id", "clause", "site", "justification", "created_by", "created_at"]
        read_only_fields = ["created_at"]
        validators = []


@extend_schema_view(
    list=extend_schema(summary="Clauses marked not applicable"),
    create=extend_schema(summary="Mark a clause not applicable at a site"),
    destroy=extend_schema(summary="Make the clause applicable again"),
)
class ClauseExclusionViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = ClauseExclusionSerializer
    permission_classes = [EVIDENCE]
    filterset_fields = ["site", "clause"]

    def get_queryset(self):
        return ClauseExclusion.objects.select_related("site", "created_by").order_by("id")

    def perform_create(self, serializer):
        serializer.instance = services.clause_exclude(by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.clause_exclusion_remove(exclusion=instance, by=self.request.user)


# --- certificates and reminders -------------------------------------------------------------------


class SurveillanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveillanceAudit
        fields = ["id", "due_on", "done_on", "note"]


class CertificateSerializer(serializers.ModelSerializer):
    standard = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all())
    sites = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all(), many=True)
    owner = serializers.SlugRelatedField(slug_field="username", queryset=selectors.owner_candidates())
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(
        choices=[c for c in CertificateStatus.choices if c[0] in ("planned", "in_progress", "certified")],
        required=False,
        help_text="On creation only; later changes go through the status action.",
    )
    surveillance_audits = SurveillanceSerializer(many=True, read_only=True)
    surveillance_dates = serializers.ListField(
        child=serializers.DateField(), write_only=True, required=False, help_text="Empty: one a year."
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
        validators = []


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
        return selectors.certificate_list()

    def perform_create(self, serializer):
        serializer.instance = services.certificate_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        for ignored in ("status", "surveillance_dates", "standard"):
            fields.pop(ignored, None)
        sites = fields.pop("sites", None)
        certificate = services.certificate_update(
            certificate=serializer.instance, by=self.request.user, sites=sites, **fields
        )
        serializer.instance = selectors.certificate_list().get(pk=certificate.pk)

    @extend_schema(summary="Change the status", request=StatusSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None, **kwargs):
        payload = StatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.certificate_set_status(
            certificate=self.get_object(), status=payload.validated_data["status"], by=request.user
        )
        return Response(CertificateSerializer(selectors.certificate_list().get(pk=pk)).data)

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
        services.surveillance_audit_record(
            audit=audit, done_on=payload.validated_data["done_on"], by=request.user
        )
        return Response(CertificateSerializer(selectors.certificate_list().get(pk=pk)).data)


class ReminderSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Reminder
        fields = [
            "id",
            "day",
            "kind",
            "kind_label",
            "subject",
            "due_on",
            "evidence",
            "certificate",
            "emailed_at",
            "read_at",
        ]


@extend_schema_view(
    list=extend_schema(summary="Your reminders (in-app notifications)"),
    retrieve=extend_schema(summary="One reminder"),
)
class ReminderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReminderSerializer
    permission_classes = [OWN_NOTIFICATIONS]
    filterset_fields = ["kind", "day"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Reminder.objects.none()
        return selectors.reminders_for(user=self.request.user)

    @extend_schema(summary="Mark a reminder read", request=None, responses=ReminderSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None, **kwargs):
        reminder = services.reminder_mark_read(reminder=self.get_object(), by=request.user)
        return Response(ReminderSerializer(reminder).data)
