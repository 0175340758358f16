"""The product carbon footprint API (ISO 14067): studies, their manual inventory items and
co-products, the result under any allocation method with the sensitivity table, issuing (a frozen,
versioned result) and reopening."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounting.choices import FactorKind
from accounting.filters.footprints import FootprintStudyFilter
from accounting.models import FactorSet, FootprintCoProduct, FootprintItem, FootprintResult, FootprintStudy
from accounting.models.footprints import Allocation, FootprintProduct
from accounting.selectors import footprints as selectors
from accounting.services import footprints as service
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

_PERMISSION = [capability_permission(read=Capability.KPIS_READ, write=Capability.FOOTPRINTS_WRITE)]
_AMOUNT = {"max_digits": 18, "decimal_places": 6, "min_value": 0}
COPRODUCT_CHOICES = [c for c in FootprintProduct.choices if c[0] != FootprintProduct.BATTERIES]


class FootprintStudySerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    gwp_set = serializers.SlugRelatedField(
        slug_field="code", queryset=FactorSet.objects.filter(kind=FactorKind.GWP), help_text="GWP set code"
    )
    title = serializers.CharField(max_length=200)
    declared_unit = serializers.CharField(max_length=200)
    declared_amount_t = serializers.DecimalField(max_digits=12, decimal_places=6, min_value=0, required=False)
    period_start = serializers.DateField(validators=[validate_plausible_date])
    period_end = serializers.DateField(validators=[validate_plausible_date])
    issued_version = serializers.SerializerMethodField()
    issued_per_unit_kg = serializers.SerializerMethodField()

    class Meta:
        model = FootprintStudy
        fields = [
            "id",
            "site",
            "title",
            "product",
            "unit_kind",
            "declared_unit",
            "declared_amount_t",
            "boundary",
            "period_start",
            "period_end",
            "cut_off",
            "allocation",
            "gwp_set",
            "notes",
            "status",
            "version",
            "issued_version",
            "issued_per_unit_kg",
            "created_at",
        ]
        read_only_fields = ["status", "version", "created_at"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_issued_version(self, study: FootprintStudy) -> int | None:
        latest = next(iter(study.results.all()), None)
        return latest.version if latest else None

    @extend_schema_field(serializers.DecimalField(max_digits=22, decimal_places=6, allow_null=True))
    def get_issued_per_unit_kg(self, study: FootprintStudy) -> str | None:
        latest = next(iter(study.results.all()), None)
        return None if latest is None or latest.per_unit_kg is None else str(latest.per_unit_kg)


class FootprintStudyUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version the change was made on.")
    title = serializers.CharField(max_length=200, required=False)
    product = serializers.ChoiceField(choices=FootprintProduct.choices, required=False)
    unit_kind = serializers.ChoiceField(
        choices=FootprintStudy._meta.get_field("unit_kind").choices, required=False
    )
    declared_unit = serializers.CharField(max_length=200, required=False)
    declared_amount_t = serializers.DecimalField(max_digits=12, decimal_places=6, min_value=0, required=False)
    boundary = serializers.ChoiceField(
        choices=FootprintStudy._meta.get_field("boundary").choices, required=False
    )
    period_start = serializers.DateField(required=False, validators=[validate_plausible_date])
    period_end = serializers.DateField(required=False, validators=[validate_plausible_date])
    cut_off = serializers.CharField(required=False, allow_blank=True)
    allocation = serializers.ChoiceField(choices=Allocation.choices, required=False)
    gwp_set = serializers.SlugRelatedField(
        slug_field="code", queryset=FactorSet.objects.filter(kind=FactorKind.GWP), required=False
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class FootprintResultSerializer(serializers.ModelSerializer):
    result = serializers.JSONField(help_text="The result as it was issued: figures are decimal strings.")

    class Meta:
        model = FootprintResult
        fields = ["id", "version", "per_unit_kg", "result", "issued_at"]


class FootprintItemSerializer(serializers.ModelSerializer):
    study = serializers.PrimaryKeyRelatedField(queryset=FootprintStudy.objects.all())
    quantity = serializers.DecimalField(**_AMOUNT)
    factor_kg_per_unit = serializers.DecimalField(**_AMOUNT)
    reliability = serializers.IntegerField(min_value=1, max_value=5, default=3)
    completeness = serializers.IntegerField(min_value=1, max_value=5, default=3)
    temporal = serializers.IntegerField(min_value=1, max_value=5, default=3)
    geographical = serializers.IntegerField(min_value=1, max_value=5, default=3)
    technological = serializers.IntegerField(min_value=1, max_value=5, default=3)
    uncertainty = serializers.SerializerMethodField()

    class Meta:
        model = FootprintItem
        fields = [
            "id",
            "study",
            "stage",
            "kind",
            "description",
            "quantity",
            "unit",
            "factor_kg_per_unit",
            "factor_source",
            "gas",
            "reliability",
            "completeness",
            "temporal",
            "geographical",
            "technological",
            "uncertainty",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    @extend_schema_field(serializers.FloatField(help_text="Relative, from the pedigree scores (0.05 = 5 %)."))
    def get_uncertainty(self, item: FootprintItem) -> float:
        return round(selectors.item_uncertainty(kind=item.kind, pedigree=item.pedigree), 6)


class FootprintItemUpdateSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=FootprintItem._meta.get_field("stage").choices, required=False)
    kind = serializers.ChoiceField(choices=FootprintItem._meta.get_field("kind").choices, required=False)
    description = serializers.CharField(max_length=200, required=False)
    quantity = serializers.DecimalField(**_AMOUNT, required=False)
    unit = serializers.CharField(max_length=20, required=False)
    factor_kg_per_unit = serializers.DecimalField(**_AMOUNT, required=False)
    factor_source = serializers.CharField(max_length=300, required=False)
    gas = serializers.CharField(max_length=30, required=False)
    reliability = serializers.IntegerField(min_value=1, max_value=5, required=False)
    completeness = serializers.IntegerField(min_value=1, max_value=5, required=False)
    temporal = serializers.IntegerField(min_value=1, max_value=5, required=False)
    geographical = serializers.IntegerField(min_value=1, max_value=5, required=False)
    technological = serializers.IntegerField(min_value=1, max_value=5, required=False)


class FootprintCoProductSerializer(serializers.ModelSerializer):
    study = serializers.PrimaryKeyRelatedField(queryset=FootprintStudy.objects.all())
    product = serializers.ChoiceField(choices=COPRODUCT_CHOICES)
    output_t = serializers.DecimalField(max_digits=16, decimal_places=6, min_value=0)
    price_cny_per_t = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    avoided_kg_per_t = serializers.DecimalField(
        max_digits=16, decimal_places=6, min_value=0, required=False, allow_null=True
    )

    class Meta:
        model = FootprintCoProduct
        fields = [
            "id",
            "study",
            "product",
            "output_t",
            "price_cny_per_t",
            "avoided_kg_per_t",
            "avoided_source",
        ]
        validators: list = []  # one per product and study: saving one again corrects it


@extend_schema_view(
    list=extend_schema(summary="Product carbon footprint studies"),
    create=extend_schema(
        summary="Start a footprint study",
        description="A draft study of one product of a site over a period; 400 naming the field when "
        "the period runs backwards or the GWP set is not one.",
    ),
    partial_update=extend_schema(
        summary="Change a draft study made on a version",
        request=FootprintStudyUpdateSerializer,
        description="409 when the study is issued or changed since the version given; nothing is saved.",
    ),
    destroy=extend_schema(summary="Delete a draft study that was never issued"),
)
class FootprintStudyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FootprintStudySerializer
    permission_classes = _PERMISSION
    filterset_class = FootprintStudyFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.footprint_study_list().order_by("-period_end", "pk")

    def create(self, request, *args, **kwargs):
        serializer = FootprintStudySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        study = service.footprint_study_create(by=request.user, **data)
        return Response(
            FootprintStudySerializer(selectors.footprint_study_get(pk=study.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        serializer = FootprintStudyUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        study = service.footprint_study_update(
            study=self.get_object(), version=version, by=request.user, **data
        )
        return Response(FootprintStudySerializer(selectors.footprint_study_get(pk=study.pk)).data)

    def destroy(self, request, *args, **kwargs):
        service.footprint_study_delete(study=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="The study's result now, under its allocation method or another",
        description="kgCO2e per declared unit by life-cycle stage and by gas, top contributors with "
        "their share, combined uncertainty (pedigree matrix, sum rule), the inventory with provenance "
        "and the sensitivity table (every allocation method side by side). `issued` is the latest "
        "issued result's figure and `would_now_be` today's figure when it differs. Nothing is saved.",
        parameters=[
            OpenApiParameter("allocation", str, enum=Allocation.values, description="Another method")
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def result(self, request, *args, **kwargs):
        study = selectors.footprint_study_get(pk=self.get_object().pk)
        allocation = request.query_params.get("allocation")
        if allocation is not None and allocation not in Allocation.values:
            raise serializers.ValidationError({"allocation": [f"One of {', '.join(Allocation.values)}."]})
        inventory = selectors.footprint_inventory(study=study)
        result = selectors.footprint_compute(study=study, allocation=allocation, inventory=inventory)
        result["sensitivity"] = selectors.footprint_sensitivity(study=study, inventory=inventory)
        issued = selectors.latest_result(study=study)
        own = (
            result
            if allocation in (None, study.allocation)
            else selectors.footprint_compute(study=study, inventory=inventory)
        )
        previous = selectors.footprint_previous(study=study)
        result.update(
            issued={"version": issued.version, "per_unit_kg": issued.result["per_unit_kg"]}
            if issued
            else None,
            would_now_be=own["per_unit_kg"]
            if issued and own["per_unit_kg"] != issued.result["per_unit_kg"]
            else None,
            previous=previous,
            change_pct=selectors.change_pct(result["per_unit_kg"], previous["per_unit_kg"])
            if previous
            else None,
        )
        return Response(result)

    @extend_schema(
        summary="The study's issued versions",
        responses={200: FootprintResultSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def results(self, request, *args, **kwargs):
        study = selectors.footprint_study_get(pk=self.get_object().pk)
        return Response(FootprintResultSerializer(study.results.all(), many=True).data)

    def _may_issue(self, request) -> None:
        if not can(request.user, Capability.FOOTPRINTS_ISSUE):
            raise PermissionDenied

    @extend_schema(
        summary="Issue the study: freeze its result as the next version",
        description="409 when the study is issued already; 400 with the reason when it cannot be "
        "computed (no output of the product entered, no price for economic allocation...).",
        request=None,
        responses={201: FootprintResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def issue(self, request, *args, **kwargs):
        self._may_issue(request)
        result = service.footprint_study_issue(study=self.get_object(), by=request.user)
        return Response(FootprintResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reopen an issued study for a new version (its issued results stay)",
        request=None,
        responses={200: FootprintStudySerializer},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        self._may_issue(request)
        study = service.footprint_study_reopen(study=self.get_object(), by=request.user)
        return Response(FootprintStudySerializer(selectors.footprint_study_get(pk=study.pk)).data)


_STUDY = OpenApiParameter("study", int, description="Study id")


def _study_filtered(queryset, request):
    study = request.query_params.get("study")
    if study:
        queryset = queryset.filter(study_id=int(study)) if study.isdigit() else queryset.none()
    return queryset


@extend_schema_view(
    list=extend_schema(summary="Manual inventory items of footprint studies", parameters=[_STUDY]),
    create=extend_schema(
        summary="Add a manual item to a draft study",
        description="Chemicals, consumables, packaging, waste treatment...: a factor with its source and "
        "five pedigree scores 1 (best) to 5. 409 when the study is issued.",
    ),
    partial_update=extend_schema(summary="Change a manual item", request=FootprintItemUpdateSerializer),
)
class FootprintItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FootprintItemSerializer
    permission_classes = _PERMISSION
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return _study_filtered(FootprintItem.objects.select_related("study"), self.request).order_by(
            "study", "pk"
        )

    def create(self, request, *args, **kwargs):
        serializer = FootprintItemSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item = service.footprint_item_create(study=data.pop("study"), by=request.user, **data)
        return Response(FootprintItemSerializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = FootprintItemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = service.footprint_item_update(
            item=self.get_object(), by=request.user, **serializer.validated_data
        )
        return Response(FootprintItemSerializer(item).data)

    def destroy(self, request, *args, **kwargs):
        service.footprint_item_delete(item=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Co-products of footprint studies", parameters=[_STUDY]),
    create=extend_schema(
        summary="Enter or correct a co-product of a draft study",
        description="Output in tonnes (mass allocation), price in the period (economic allocation), "
        "avoided kgCO2e per tonne (system expansion). One per product: entering it again corrects it.",
    ),
)
class FootprintCoProductViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FootprintCoProductSerializer
    permission_classes = _PERMISSION
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return _study_filtered(FootprintCoProduct.objects.all(), self.request).order_by("study", "product")

    def create(self, request, *args, **kwargs):
        serializer = FootprintCoProductSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        coproduct = service.footprint_coproduct_save(study=data.pop("study"), by=request.user, **data)
        return Response(FootprintCoProductSerializer(coproduct).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        service.footprint_coproduct_delete(coproduct=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
