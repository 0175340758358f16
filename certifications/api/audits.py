"""API of audit programmes, audits, their plan (sessions), checklists and reports."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

from ..filters.audits_api import AuditFilter, ChecklistItemFilter, ProgrammeFilter, SessionFilter
from ..models import (
    Audit,
    AuditProgramme,
    AuditSession,
    AuditStatus,
    AuditType,
    Certificate,
    ChecklistItem,
    ChecklistResult,
    Clause,
    Evidence,
    Standard,
)
from ..selectors import audits as audit_selectors
from ..services import audits as audit_services
from ..services import checklists as checklist_services
from ._common import AUDITS, EditConflictSerializer, user_field, version_field


class VersionRequiredSchema(OpenApiSerializerExtension):
    """A PATCH body is partial in the schema, but a versioned change must name its version."""

    target_class = "certifications.api.audits.ChecklistItemUpdateSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["required"] = ["version"]
        return schema


class AuditCannotCloseSerializer(serializers.Serializer):
    """409 when the audit may not close yet: ``blocking`` names each thing that holds it open."""

    detail = serializers.CharField()
    code = serializers.CharField()
    blocking = serializers.ListField(child=serializers.CharField())


# --- programmes -----------------------------------------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    audit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = AuditProgramme
        fields = ["id", "site", "year", "objectives", "audit_count", "created_at"]
        read_only_fields = ["year", "created_at"]


class ProgrammeUpdateSerializer(serializers.Serializer):
    objectives = serializers.CharField(allow_blank=True)


@extend_schema_view(
    list=extend_schema(summary="List audit programmes", description="Filter by site code and year."),
    retrieve=extend_schema(summary="One audit programme"),
)
class AuditProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProgrammeSerializer
    permission_classes = [AUDITS]
    filterset_class = ProgrammeFilter

    def get_queryset(self):
        return audit_selectors.programme_list()

    @extend_schema(
        summary="Change a programme's objectives",
        request=ProgrammeUpdateSerializer,
        responses=ProgrammeSerializer,
    )
    def partial_update(self, request, pk=None, **kwargs):
        programme = self.get_object()
        payload = ProgrammeUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        if "objectives" in payload.validated_data:
            audit_services.programme_update(
                programme=programme, objectives=payload.validated_data["objectives"], by=request.user
            )
        return Response(ProgrammeSerializer(self.get_queryset().get(pk=programme.pk)).data)


# --- audits ---------------------------------------------------------------------------------------


class ChecklistCountsSerializer(serializers.Serializer):
    """How many checklist items have each result (``open``: not yet assessed)."""

    open = serializers.IntegerField(source="items_open")
    conforming = serializers.IntegerField(source="items_conforming")
    nonconformity = serializers.IntegerField(source="items_nonconformity")
    observation = serializers.IntegerField(source="items_observation")
    improvement = serializers.IntegerField(source="items_improvement")
    not_applicable = serializers.IntegerField(source="items_not_applicable")
    total = serializers.SerializerMethodField()

    def get_total(self, obj: Audit) -> int:
        return sum(getattr(obj, f"items_{value or 'open'}") for value in ChecklistResult.values)


class FindingCountsSerializer(serializers.Serializer):
    """How many findings of each class the audit raised."""

    major = serializers.IntegerField(source="findings_major")
    minor = serializers.IntegerField(source="findings_minor")
    observation = serializers.IntegerField(source="findings_observation")
    improvement = serializers.IntegerField(source="findings_improvement")


class AuditSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(
        source="programme.site", slug_field="code", read_only=True, help_text="The programme's site."
    )
    year = serializers.IntegerField(source="programme.year", read_only=True)
    standards = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sites = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    clauses = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Clause groups; empty: every clause of the standards."
    )
    lead_auditor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    lead_auditor_label = serializers.CharField(read_only=True)
    team = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    report_signed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    overdue = serializers.SerializerMethodField()
    checklist_counts = ChecklistCountsSerializer(source="*", read_only=True)
    finding_counts = FindingCountsSerializer(source="*", read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id",
            "reference",
            "title",
            "audit_type",
            "status",
            "programme",
            "site",
            "year",
            "sites",
            "standards",
            "clauses",
            "certificate",
            "certification_body",
            "scope",
            "criteria",
            "starts_on",
            "ends_on",
            "lead_auditor",
            "lead_auditor_name",
            "lead_auditor_label",
            "team",
            "team_external",
            "opening_meeting_at",
            "opening_meeting_notes",
            "closing_meeting_at",
            "closing_meeting_notes",
            "report_summary",
            "report_conclusions",
            "report_signed_by",
            "report_signed_at",
            "previous",
            "closed_at",
            "created_by",
            "created_at",
            "overdue",
            "checklist_counts",
            "finding_counts",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: Audit) -> bool:
        return obj.is_overdue()


class AuditCreateSerializer(serializers.Serializer):
    site = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), help_text="The site whose programme holds the audit."
    )
    sites = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Site.objects.all(),
        many=True,
        required=False,
        help_text="Other sites covered.",
    )
    title = serializers.CharField(max_length=200)
    audit_type = serializers.ChoiceField(choices=AuditType.choices)
    standards = serializers.PrimaryKeyRelatedField(queryset=Standard.objects.all(), many=True)
    clauses = serializers.PrimaryKeyRelatedField(
        queryset=Clause.objects.all(),
        many=True,
        required=False,
        help_text="Clause groups; empty: every clause.",
    )
    starts_on = serializers.DateField(validators=[validate_plausible_date])
    ends_on = serializers.DateField(validators=[validate_plausible_date])
    scope = serializers.CharField(required=False, allow_blank=True)
    criteria = serializers.CharField(required=False, allow_blank=True)
    lead_auditor = user_field(required=False, allow_null=True)
    lead_auditor_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    team = user_field(many=True, required=False)
    team_external = serializers.CharField(max_length=500, required=False, allow_blank=True)
    certificate = serializers.PrimaryKeyRelatedField(
        queryset=Certificate.objects.all(), required=False, allow_null=True
    )
    certification_body = serializers.CharField(max_length=200, required=False, allow_blank=True)
    previous = serializers.PrimaryKeyRelatedField(
        queryset=Audit.objects.all(), required=False, allow_null=True
    )


class AuditUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    scope = serializers.CharField(allow_blank=True)
    criteria = serializers.CharField(allow_blank=True)
    starts_on = serializers.DateField(validators=[validate_plausible_date])
    ends_on = serializers.DateField(validators=[validate_plausible_date])
    lead_auditor = user_field(allow_null=True)
    lead_auditor_name = serializers.CharField(max_length=200, allow_blank=True)
    team = user_field(many=True)
    team_external = serializers.CharField(max_length=500, allow_blank=True)
    certification_body = serializers.CharField(max_length=200, allow_blank=True)
    opening_meeting_at = serializers.DateTimeField(allow_null=True, validators=[validate_plausible_date])
    opening_meeting_notes = serializers.CharField(allow_blank=True)
    closing_meeting_at = serializers.DateTimeField(allow_null=True, validators=[validate_plausible_date])
    closing_meeting_notes = serializers.CharField(allow_blank=True)


class AuditTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=AuditStatus.choices)


class GenerateChecklistSerializer(serializers.Serializer):
    copy_from = serializers.PrimaryKeyRelatedField(
        queryset=Audit.objects.all(),
        required=False,
        allow_null=True,
        help_text="An earlier audit whose results and notes each item starts from, as a copied draft.",
    )


class ReportSerializer(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True, required=False)
    conclusions = serializers.CharField(allow_blank=True, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="List audits",
        description="Filter by site code, programme year, status, type, standard and overdue.",
    ),
    retrieve=extend_schema(summary="One audit, with its checklist and finding counts"),
)
class AuditViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AuditSerializer
    permission_classes = [AUDITS]
    filterset_class = AuditFilter
    ordering_fields = ["starts_on", "reference", "status"]

    def get_queryset(self):
        return audit_selectors.audit_list_counted()

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(AuditSerializer(audit_selectors.audit_list_counted().get(pk=pk)).data, status=code)

    @extend_schema(
        summary="Plan an audit",
        description="It lands in the programme of `site` for the year it starts in and gets its reference.",
        request=AuditCreateSerializer,
        responses={201: AuditSerializer},
    )
    def create(self, request, **kwargs):
        payload = AuditCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        audit = audit_services.audit_create(by=request.user, **payload.validated_data)
        return self._answer(audit.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an audit",
        description="Its title, scope, dates, team and meetings; its standards, sites and clause groups "
        "are fixed.",
        request=AuditUpdateSerializer,
        responses=AuditSerializer,
    )
    def partial_update(self, request, pk=None, **kwargs):
        audit = self.get_object()
        payload = AuditUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        audit_services.audit_update(audit=audit, by=request.user, **payload.validated_data)
        return self._answer(audit.pk)

    @extend_schema(
        summary="Delete an audit planned by mistake",
        description="409 when it has findings (cancel or close it instead) or is closed.",
        responses={204: None},
    )
    def destroy(self, request, pk=None, **kwargs):
        audit_services.audit_delete(audit=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Change the status (start, report, reopen, close, cancel)",
        description="Closing needs the report signed off and every open major nonconformity with an "
        "accepted action plan; otherwise 409 lists what blocks it in `blocking`.",
        request=AuditTransitionSerializer,
        responses={200: AuditSerializer, 409: AuditCannotCloseSerializer},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None, **kwargs):
        audit = self.get_object()
        payload = AuditTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        audit_services.audit_transition(audit=audit, to=payload.validated_data["to"], by=request.user)
        return self._answer(audit.pk)

    @extend_schema(
        summary="Generate the checklist from the audit's clauses (while planned)",
        request=GenerateChecklistSerializer,
        responses=AuditSerializer,
    )
    @action(detail=True, methods=["post"], url_path="generate-checklist")
    def generate_checklist(self, request, pk=None, **kwargs):
        audit = self.get_object()
        payload = GenerateChecklistSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        checklist_services.checklist_generate(
            audit=audit, copy_from=payload.validated_data.get("copy_from"), by=request.user
        )
        return self._answer(audit.pk)

    @extend_schema(
        summary="Write the report's summary and conclusions",
        request=ReportSerializer,
        responses=AuditSerializer,
    )
    @action(detail=True, methods=["post", "patch"])
    def report(self, request, pk=None, **kwargs):
        audit = self.get_object()
        payload = ReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        audit_services.report_update(audit=audit, by=request.user, **payload.validated_data)
        return self._answer(audit.pk)

    @extend_schema(
        summary="Sign the report off (the lead auditor, while reporting)",
        request=None,
        responses=AuditSerializer,
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None, **kwargs):
        audit = self.get_object()
        audit_services.report_sign_off(audit=audit, by=request.user)
        return self._answer(audit.pk)


# --- the plan -------------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    audit = serializers.PrimaryKeyRelatedField(queryset=Audit.objects.all())
    auditor = user_field(required=False, allow_null=True)
    starts_at = serializers.DateTimeField(validators=[validate_plausible_date])
    ends_at = serializers.DateTimeField(validators=[validate_plausible_date])

    class Meta:
        model = AuditSession
        fields = ["id", "audit", "starts_at", "ends_at", "topic", "auditees", "auditor", "location"]


@extend_schema_view(
    list=extend_schema(summary="List sessions of audit plans", description="Filter by audit id."),
    retrieve=extend_schema(summary="One session"),
    create=extend_schema(summary="Add a session to an audit's plan"),
    destroy=extend_schema(summary="Remove a session from an audit's plan"),
)
class AuditSessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SessionSerializer
    permission_classes = [AUDITS]
    filterset_class = SessionFilter

    def get_queryset(self):
        return audit_selectors.session_list()

    def perform_create(self, serializer):
        serializer.instance = audit_services.session_add(by=self.request.user, **serializer.validated_data)

    def perform_destroy(self, instance):
        audit_services.session_delete(session=instance, by=self.request.user)


# --- the checklist --------------------------------------------------------------------------------


class ChecklistItemSerializer(serializers.ModelSerializer):
    clauses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sampled_evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "audit",
            "position",
            "number",
            "title",
            "title_zh",
            "clauses",
            "result",
            "justification",
            "notes",
            "sampled_evidence",
            "copied",
            "version",
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields


class ChecklistItemUpdateSerializer(serializers.Serializer):
    version = version_field(help_text="The version the change was made on (409 if it changed since).")
    result = serializers.ChoiceField(
        choices=ChecklistResult.choices, required=False, help_text="Empty: not yet assessed."
    )
    notes = serializers.CharField(allow_blank=True, required=False)
    justification = serializers.CharField(allow_blank=True, required=False)
    sampled_evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), many=True, required=False
    )


@extend_schema_view(
    list=extend_schema(summary="List checklist items", description="Filter by audit id, result and number."),
    retrieve=extend_schema(summary="One checklist item"),
)
class ChecklistItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ChecklistItemSerializer
    permission_classes = [AUDITS]
    filterset_class = ChecklistItemFilter

    def get_queryset(self):
        return audit_selectors.checklist_item_list()

    @extend_schema(
        summary="Record an item's result, notes and sampled evidence",
        description="`version` is the version the change was made on: if someone saved the item since, "
        "nothing is saved and 409 gives `current_version`. The answer carries the new version.",
        request=ChecklistItemUpdateSerializer,
        responses={200: ChecklistItemSerializer, 409: EditConflictSerializer},
    )
    def partial_update(self, request, pk=None, **kwargs):
        item = self.get_object()
        payload = ChecklistItemUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        checklist_services.checklist_item_update(item=item, by=request.user, **payload.validated_data)
        return Response(ChecklistItemSerializer(self.get_queryset().get(pk=item.pk)).data)
