"""The carbon-neutrality API (ISO 14068-1): programmes with their plan and each period's standing.
Credits and claims are in accounting.api.neutrality_claims."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounting.filters.neutrality import ProgrammeFilter
from accounting.models import (
    FootprintStudy,
    NeutralityAction,
    NeutralityPeriod,
    NeutralityProgramme,
    ReductionMilestone,
    ReductionTarget,
)
from accounting.models.neutrality import (
    STANDARD,
    ActionStatus,
    FootprintSource,
    NeutralitySubject,
    Scope2Basis,
)
from accounting.selectors import neutrality as selectors
from accounting.services import neutrality as service
from greenfactory.accounts.models import User
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR, validate_plausible_date
from greenfactory.sites.models import Organisation

PERMISSION = [capability_permission(read=Capability.KPIS_READ, write=Capability.NEUTRALITY_WRITE)]
_TCO2E = {"max_digits": 18, "decimal_places": 6, "min_value": 0}
_PERCENT = {"max_digits": 6, "decimal_places": 2, "min_value": 0, "max_value": 100}
YEAR = {"min_value": EARLIEST_YEAR, "max_value": LATEST_YEAR}
SERIAL = {"min_value": 1, "max_value": 2**63 - 2}
DATE = {"validators": [validate_plausible_date]}


# --- Programmes -----------------------------------------------------------------------------------------


class NeutralityMilestoneSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(**YEAR)
    reduction_percent = serializers.DecimalField(**_PERCENT)

    class Meta:
        model = ReductionMilestone
        fields = ["id", "year", "reduction_percent"]


class ReductionTargetSerializer(serializers.ModelSerializer):
    target_year = serializers.IntegerField(**YEAR)
    reduction_percent = serializers.DecimalField(**_PERCENT)
    milestones = NeutralityMilestoneSerializer(many=True, required=False, max_length=20)

    class Meta:
        model = ReductionTarget
        fields = ["id", "description", "target_year", "reduction_percent", "milestones"]


class NeutralityActionSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(is_active=True))
    target = serializers.PrimaryKeyRelatedField(
        queryset=ReductionTarget.objects.all(), required=False, allow_null=True
    )
    start_date = serializers.DateField(**DATE)
    due_date = serializers.DateField(**DATE)
    expected_reduction_tco2e = serializers.DecimalField(**_TCO2E, required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ActionStatus.choices, default=ActionStatus.PLANNED)

    class Meta:
        model = NeutralityAction
        fields = [
            "id",
            "title",
            "owner",
            "target",
            "start_date",
            "due_date",
            "expected_reduction_tco2e",
            "status",
        ]


class NeutralityPeriodSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(**YEAR)
    source = serializers.ChoiceField(choices=FootprintSource.choices)
    scope2_basis = serializers.ChoiceField(choices=Scope2Basis.choices, default=Scope2Basis.MARKET)
    footprint_tco2e = serializers.DecimalField(
        **_TCO2E, required=False, allow_null=True, help_text="Only for an entered footprint."
    )
    source_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    removals_tco2e = serializers.DecimalField(**_TCO2E, required=False, default=0)
    removals_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    footprint_study = serializers.PrimaryKeyRelatedField(
        queryset=FootprintStudy.objects.select_related("site"),
        required=False,
        allow_null=True,
        write_only=True,
        help_text="Only for source study: the product's issued footprint study of the year.",
    )
    footprint_result = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = NeutralityPeriod
        fields = [
            "id",
            "year",
            "source",
            "scope2_basis",
            "footprint_tco2e",
            "source_note",
            "footprint_study",
            "footprint_result",
            "removals_tco2e",
            "removals_note",
        ]


class NeutralityPeriodOutSerializer(serializers.ModelSerializer):
    scope2_basis = serializers.CharField(help_text="location, market, or empty for an entered footprint.")

    class Meta:
        model = NeutralityPeriod
        fields = [f for f in NeutralityPeriodSerializer.Meta.fields if f != "footprint_study"]


class NeutralityProgrammeSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    subject = serializers.ChoiceField(
        choices=NeutralitySubject.choices, default=NeutralitySubject.ORGANISATION
    )
    base_year = serializers.IntegerField(**YEAR)
    target_date = serializers.DateField(**DATE)
    standard = serializers.SerializerMethodField()
    targets = ReductionTargetSerializer(many=True, read_only=True)
    actions = NeutralityActionSerializer(many=True, read_only=True)
    periods = NeutralityPeriodOutSerializer(many=True, read_only=True)

    class Meta:
        model = NeutralityProgramme
        fields = [
            "id",
            "reference",
            "title",
            "organisation",
            "subject",
            "product_name",
            "boundary",
            "base_year",
            "target_date",
            "offsetting_strategy",
            "standard",
            "formerly_pas_2060",
            "version",
            "targets",
            "actions",
            "periods",
            "created_at",
        ]
        read_only_fields = ["version", "created_at"]
        validators: list = []  # a reference once: the service answers 409

    def get_standard(self, programme) -> str:
        return STANDARD


class NeutralityProgrammeUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version the change was made on.")
    title = serializers.CharField(max_length=200, required=False)
    product_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    boundary = serializers.CharField(required=False)
    target_date = serializers.DateField(required=False, **DATE)
    offsetting_strategy = serializers.CharField(required=False, allow_blank=True)
    formerly_pas_2060 = serializers.BooleanField(required=False)


class NeutralityStatusSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    base_tco2e = serializers.DecimalField(
        max_digits=18, decimal_places=6, allow_null=True, source="balance.base_tco2e"
    )
    footprint_tco2e = serializers.DecimalField(
        max_digits=18, decimal_places=6, source="balance.footprint_tco2e"
    )
    reductions_tco2e = serializers.DecimalField(
        max_digits=18, decimal_places=6, allow_null=True, source="balance.reductions_tco2e"
    )
    removals_tco2e = serializers.DecimalField(
        max_digits=18, decimal_places=6, source="balance.removals_tco2e"
    )
    credits_tco2e = serializers.DecimalField(max_digits=19, decimal_places=6, source="balance.credits_tco2e")
    credits_reduction_tco2e = serializers.DecimalField(max_digits=19, decimal_places=6)
    credits_removal_tco2e = serializers.DecimalField(max_digits=19, decimal_places=6)
    balance_tco2e = serializers.DecimalField(max_digits=19, decimal_places=6, source="balance.balance_tco2e")
    neutral = serializers.BooleanField(source="balance.neutral")


def _programme_out(pk: int) -> dict:
    return NeutralityProgrammeSerializer(selectors.programme_get(pk=pk)).data


@extend_schema_view(
    list=extend_schema(summary="Carbon-neutrality programmes (ISO 14068-1)"),
    retrieve=extend_schema(summary="A programme with its plan and periods"),
    create=extend_schema(
        summary="Start a programme",
        description="409 when the reference is taken; 400 with the field for a target date not after "
        "the base period, a product programme without its product, or an empty boundary.",
    ),
    partial_update=extend_schema(
        summary="Change a programme made on a version",
        request=NeutralityProgrammeUpdateSerializer,
        responses=NeutralityProgrammeSerializer,
        description="409 (with current_version) when someone saved the programme since; nothing is saved.",
    ),
)
class NeutralityProgrammeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = NeutralityProgrammeSerializer
    permission_classes = PERMISSION
    filterset_class = ProgrammeFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.programme_list().prefetch_related("targets__milestones", "actions__owner", "periods")

    def create(self, request, *args, **kwargs):
        serializer = NeutralityProgrammeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        programme = service.programme_create(**data, by=request.user)
        return Response(_programme_out(programme.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        programme = self.get_object()
        payload = NeutralityProgrammeUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        service.programme_update(
            programme=programme,
            version=data["version"],
            title=data.get("title", programme.title),
            boundary=data.get("boundary", programme.boundary),
            target_date=data.get("target_date", programme.target_date),
            offsetting_strategy=data.get("offsetting_strategy", programme.offsetting_strategy),
            product_name=data.get("product_name", programme.product_name),
            formerly_pas_2060=data.get("formerly_pas_2060", programme.formerly_pas_2060),
            by=request.user,
        )
        return Response(_programme_out(programme.pk))

    @extend_schema(
        summary="Each period's standing",
        description="reductions = base-period footprint - footprint; balance = base - reductions - "
        "removals - credits (the footprint less removals and credits); neutral when the balance is 0 "
        "or less. Without a base-period footprint, base and reductions are null.",
        responses=NeutralityStatusSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="status", pagination_class=None, filter_backends=[])
    def standing(self, request, *args, **kwargs):
        programme = selectors.programme_get(pk=self.get_object().pk)
        return Response(
            NeutralityStatusSerializer(selectors.period_statuses(programme=programme), many=True).data
        )

    @extend_schema(
        summary="Add a reduction target with its milestones",
        description="400 when a step from the base period through the milestones to the target year "
        "is longer than five years.",
        request=ReductionTargetSerializer,
        responses={201: ReductionTargetSerializer},
    )
    @action(detail=True, methods=["post"])
    def targets(self, request, *args, **kwargs):
        payload = ReductionTargetSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        target = service.target_create(
            programme=self.get_object(),
            description=data["description"],
            target_year=data["target_year"],
            reduction_percent=data["reduction_percent"],
            milestones=[(m["year"], m["reduction_percent"]) for m in data.get("milestones", [])],
            by=request.user,
        )
        return Response(
            ReductionTargetSerializer(selectors.target_get(pk=target.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Add a reduction action",
        request=NeutralityActionSerializer,
        responses={201: NeutralityActionSerializer},
    )
    @action(detail=True, methods=["post"])
    def actions(self, request, *args, **kwargs):
        payload = NeutralityActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        created = service.action_create(programme=self.get_object(), by=request.user, **data)
        return Response(NeutralityActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record (or replace) the footprint of a year",
        description="source=inventory takes the organisation's GHG inventory of the year with the scope 2 "
        "basis given; source=study takes a product's issued footprint study of the year (footprint_study); "
        "source=entered needs footprint_tco2e and source_note. 409 once a claim was made "
        "on the year.",
        request=NeutralityPeriodSerializer,
        responses={200: NeutralityPeriodOutSerializer},
    )
    @action(detail=True, methods=["post"])
    def periods(self, request, *args, **kwargs):
        payload = NeutralityPeriodSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        period = service.period_save(programme=self.get_object(), by=request.user, **payload.validated_data)
        return Response(NeutralityPeriodOutSerializer(period).data)
