"""API of findings, their corrective actions (CAPA) and the actions of each plan."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from greenfactory.core.validators import validate_plausible_date

from ..filters.findings import CapaActionFilter, CapaFilter, FindingFilter
from ..models import (
    Audit,
    CapaAction,
    CapaStep,
    ChecklistItem,
    Clause,
    CorrectiveAction,
    Evidence,
    Finding,
    FindingClass,
    RootCauseMethod,
)
from ..models.findings import EIGHT_D_FIELDS
from ..selectors import findings as finding_selectors
from ..services import capa as capa_services
from ..services import findings as finding_services
from ..services.capa import FISHBONE_CATEGORIES
from ._common import AUDITS, EditConflictSerializer, user_field, version_field

# --- findings -------------------------------------------------------------------------------------


class FindingSerializer(serializers.ModelSerializer):
    clauses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    raised_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    corrective_action = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "id",
            "reference",
            "audit",
            "checklist_item",
            "finding_class",
            "status",
            "clauses",
            "statement",
            "objective_evidence",
            "requirement",
            "evidence",
            "owner",
            "due_on",
            "body_deadline",
            "raised_by",
            "raised_on",
            "closed_at",
            "closure_note",
            "corrective_action",
            "overdue",
        ]
        read_only_fields = fields

    def get_corrective_action(self, obj: Finding) -> int | None:
        """The id of the nonconformity's corrective action (null for observations and OFIs)."""
        capa = getattr(obj, "capa", None)
        return capa.pk if capa is not None else None

    def get_overdue(self, obj: Finding) -> bool:
        return obj.is_overdue()


class FindingCreateSerializer(serializers.Serializer):
    audit = serializers.PrimaryKeyRelatedField(queryset=Audit.objects.all())
    finding_class = serializers.ChoiceField(choices=FindingClass.choices)
    statement = serializers.CharField()
    owner = user_field()
    clauses = serializers.PrimaryKeyRelatedField(
        queryset=Clause.objects.all(), many=True, required=False, help_text="Empty: the checklist item's."
    )
    checklist_item = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistItem.objects.all(), required=False, allow_null=True
    )
    objective_evidence = serializers.CharField(required=False, allow_blank=True)
    requirement = serializers.CharField(max_length=300, required=False, allow_blank=True)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)
    due_on = serializers.DateField(
        required=False, allow_null=True, validators=[validate_plausible_date], help_text="Empty: by class."
    )
    body_deadline = serializers.DateField(
        required=False, allow_null=True, validators=[validate_plausible_date]
    )


class FindingUpdateSerializer(serializers.Serializer):
    statement = serializers.CharField()
    objective_evidence = serializers.CharField(allow_blank=True)
    requirement = serializers.CharField(max_length=300, allow_blank=True)
    owner = user_field()
    due_on = serializers.DateField(validators=[validate_plausible_date])
    body_deadline = serializers.DateField(allow_null=True, validators=[validate_plausible_date])
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        summary="List findings",
        description="Filter by audit, class, status, owner user name, overdue, clause and standard.",
    ),
    retrieve=extend_schema(summary="One finding"),
)
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FindingSerializer
    permission_classes = [AUDITS]
    filterset_class = FindingFilter
    ordering_fields = ["reference", "due_on", "raised_on"]

    def get_queryset(self):
        return finding_selectors.finding_list()

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(FindingSerializer(finding_selectors.finding_list().get(pk=pk)).data, status=code)

    @extend_schema(
        summary="Raise a finding in an audit under way",
        description="A nonconformity gets its corrective action at once.",
        request=FindingCreateSerializer,
        responses={201: FindingSerializer},
    )
    def create(self, request, **kwargs):
        payload = FindingCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        finding = finding_services.finding_raise(by=request.user, **payload.validated_data)
        return self._answer(finding.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct an open finding (its class is fixed)",
        request=FindingUpdateSerializer,
        responses=FindingSerializer,
    )
    def partial_update(self, request, pk=None, **kwargs):
        finding = self.get_object()
        payload = FindingUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        finding_services.finding_update(finding=finding, by=request.user, **payload.validated_data)
        return self._answer(finding.pk)

    @extend_schema(
        summary="Close an observation or opportunity for improvement",
        description="A nonconformity closes with its corrective action (409).",
        request=NoteSerializer,
        responses=FindingSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, **kwargs):
        finding = self.get_object()
        payload = NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        finding_services.finding_close(finding=finding, note=payload.validated_data["note"], by=request.user)
        return self._answer(finding.pk)


# --- corrective actions ---------------------------------------------------------------------------


class CapaActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CapaAction
        fields = ["id", "capa", "description", "owner", "due_on", "done_on"]
        read_only_fields = fields


class CapaStepSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    before = serializers.DictField(read_only=True, help_text="The state and the fields the step changed.")
    after = serializers.DictField(read_only=True)

    class Meta:
        model = CapaStep
        fields = ["id", "from_state", "to_state", "by", "at", "note", "before", "after"]
        read_only_fields = fields


class CorrectiveActionSerializer(serializers.ModelSerializer):
    finding_reference = serializers.CharField(source="finding.reference", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    whys = serializers.ListField(child=serializers.CharField(), read_only=True)
    fishbone = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), read_only=True
    )
    eight_d = serializers.DictField(child=serializers.CharField(), read_only=True)
    # Blank until the root cause analysis is recorded.
    root_cause_method = serializers.ChoiceField(
        choices=RootCauseMethod.choices, allow_blank=True, read_only=True
    )
    plan_accepted_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    verified_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    next_due_on = serializers.DateField(read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField()
    actions = CapaActionSerializer(many=True, read_only=True)
    steps = CapaStepSerializer(many=True, read_only=True)

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "finding",
            "finding_reference",
            "state",
            "owner",
            "version",
            "containment",
            "root_cause_method",
            "whys",
            "fishbone",
            "eight_d",
            "root_cause",
            "plan_accepted_by",
            "plan_accepted_at",
            "implementation",
            "verification",
            "verified_by",
            "containment_due_on",
            "analysis_due_on",
            "plan_due_on",
            "implementation_due_on",
            "verification_due_on",
            "next_due_on",
            "overdue",
            "actions",
            "steps",
            "created_at",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: CorrectiveAction) -> bool:
        return obj.is_overdue()


VERSION_HELP = "The version the step was taken on (optional; 409 if it changed since)."


class VersionSerializer(serializers.Serializer):
    version = version_field(required=False, allow_null=True, help_text=VERSION_HELP)


class ContainSerializer(VersionSerializer):
    containment = serializers.CharField()


class AnalyseSerializer(VersionSerializer):
    root_cause_method = serializers.ChoiceField(choices=RootCauseMethod.choices)
    root_cause = serializers.CharField()
    whys = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False, max_length=20)
    fishbone = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        required=False,
        help_text="Causes per category: " + ", ".join(FISHBONE_CATEGORIES) + ".",
    )
    eight_d = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        help_text="The 8D disciplines by key: " + ", ".join(k for k, _l, _n in EIGHT_D_FIELDS) + ".",
    )


class AcceptSerializer(VersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(VersionSerializer):
    reason = serializers.CharField()


class ImplementSerializer(VersionSerializer):
    implementation = serializers.CharField()


class VerifySerializer(VersionSerializer):
    effective = serializers.BooleanField()
    verification = serializers.CharField()


class DueDatesSerializer(VersionSerializer):
    containment_due_on = serializers.DateField(
        required=False, allow_null=True, validators=[validate_plausible_date]
    )
    analysis_due_on = serializers.DateField(
        required=False, allow_null=True, validators=[validate_plausible_date]
    )
    plan_due_on = serializers.DateField(required=False, allow_null=True, validators=[validate_plausible_date])
    implementation_due_on = serializers.DateField(
        required=False, allow_null=True, validators=[validate_plausible_date]
    )
    verification_due_on = serializers.DateField(
        required=False, allow_null=True, validators=[validate_plausible_date]
    )
    owner = user_field(required=False)


def _step(summary: str, request: type[serializers.Serializer]):
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: CorrectiveActionSerializer, 409: EditConflictSerializer},
    )


@extend_schema_view(
    list=extend_schema(
        summary="List corrective actions", description="Filter by state, owner user name and overdue."
    ),
    retrieve=extend_schema(summary="One corrective action, with its plan and step log"),
)
class CorrectiveActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CorrectiveActionSerializer
    permission_classes = [AUDITS]
    filterset_class = CapaFilter

    def get_queryset(self):
        return finding_selectors.capa_list()

    def _payload(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        payload = serializer_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        return dict(payload.validated_data)

    def _answer(self, pk: Any) -> Response:
        return Response(CorrectiveActionSerializer(finding_selectors.capa_list().get(pk=pk)).data)

    @_step("Record the containment", ContainSerializer)
    @action(detail=True, methods=["post"])
    def contain(self, request, pk=None, **kwargs):
        capa = self.get_object()
        capa_services.capa_contain(capa=capa, by=request.user, **self._payload(ContainSerializer))
        return self._answer(capa.pk)

    @_step("Record the root cause analysis", AnalyseSerializer)
    @action(detail=True, methods=["post"])
    def analyse(self, request, pk=None, **kwargs):
        capa = self.get_object()
        data = self._payload(AnalyseSerializer)
        data["method"] = data.pop("root_cause_method")
        capa_services.capa_analyse(capa=capa, by=request.user, **data)
        return self._answer(capa.pk)

    @_step("Put the action plan forward for acceptance", VersionSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None, **kwargs):
        capa = self.get_object()
        capa_services.capa_plan_propose(capa=capa, by=request.user, **self._payload(VersionSerializer))
        return self._answer(capa.pk)

    @_step("Accept the action plan", AcceptSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, **kwargs):
        capa = self.get_object()
        capa_services.capa_plan_accept(capa=capa, by=request.user, **self._payload(AcceptSerializer))
        return self._answer(capa.pk)

    @_step("Send the action plan back to the analysis", RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        capa = self.get_object()
        capa_services.capa_plan_reject(capa=capa, by=request.user, **self._payload(RejectSerializer))
        return self._answer(capa.pk)

    @_step("Record that the accepted plan is carried out", ImplementSerializer)
    @action(detail=True, methods=["post"])
    def implement(self, request, pk=None, **kwargs):
        capa = self.get_object()
        capa_services.capa_implement(capa=capa, by=request.user, **self._payload(ImplementSerializer))
        return self._answer(capa.pk)

    @_step("Verify the effectiveness (not effective: back to the plan)", VerifySerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None, **kwargs):
        capa = self.get_object()
        capa_services.capa_verify(capa=capa, by=request.user, **self._payload(VerifySerializer))
        return self._answer(capa.pk)

    @_step("Close the corrective action and its finding", AcceptSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, **kwargs):
        capa = self.get_object()
        capa_services.capa_close(capa=capa, by=request.user, **self._payload(AcceptSerializer))
        return self._answer(capa.pk)

    @_step("Set the due date of each step, and the owner", DueDatesSerializer)
    @action(detail=True, methods=["post"], url_path="due-dates")
    def due_dates(self, request, pk=None, **kwargs):
        capa = self.get_object()
        data = self._payload(DueDatesSerializer)
        capa_services.capa_due_dates_set(capa=capa, by=request.user, **data)
        return self._answer(capa.pk)


# --- planned actions ------------------------------------------------------------------------------


class CapaActionCreateSerializer(serializers.Serializer):
    capa = serializers.PrimaryKeyRelatedField(queryset=CorrectiveAction.objects.all())
    description = serializers.CharField()
    owner = user_field()
    due_on = serializers.DateField(validators=[validate_plausible_date])


class CapaActionDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField(allow_null=True, validators=[validate_plausible_date])


@extend_schema_view(
    list=extend_schema(summary="List planned actions", description="Filter by corrective action id."),
    retrieve=extend_schema(summary="One planned action"),
)
class CapaActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CapaActionSerializer
    permission_classes = [AUDITS]
    filterset_class = CapaActionFilter

    def get_queryset(self):
        return finding_selectors.capa_action_list()

    @extend_schema(
        summary="Add an action to a plan being drawn up",
        request=CapaActionCreateSerializer,
        responses={201: CapaActionSerializer},
    )
    def create(self, request, **kwargs):
        payload = CapaActionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        added = capa_services.capa_action_add(by=request.user, **payload.validated_data)
        return Response(CapaActionSerializer(added).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Mark an action done (or not done, with null)",
        request=CapaActionDoneSerializer,
        responses=CapaActionSerializer,
    )
    def partial_update(self, request, pk=None, **kwargs):
        planned = self.get_object()
        payload = CapaActionDoneSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        done = capa_services.capa_action_done(
            action=planned, done_on=payload.validated_data["done_on"], by=request.user
        )
        return Response(CapaActionSerializer(done).data)

    @extend_schema(summary="Remove an action from a plan not yet accepted", responses={204: None})
    def destroy(self, request, pk=None, **kwargs):
        capa_services.capa_action_delete(action=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
