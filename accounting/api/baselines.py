"""The energy-baseline API: baselines and their months, adjustments, targets, degree days and alerts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounting.forms.baselines import ENERGY_MEDIA
from accounting.models import BaselineAdjustment, DriverValue, EnergyBaseline, EnergyTarget, TargetAlert
from accounting.models.baselines import BaselineScope, TargetKind
from accounting.selectors import baselines as selectors
from accounting.services import baselines as service
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.time import month_floor
from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site
from metering.models import Meter

_PERMISSION = [capability_permission(read=Capability.KPIS_READ, write=Capability.BASELINES_WRITE)]
_SITE = OpenApiParameter("site", str, description="Site code")


_PLAUSIBLE = {"validators": [validate_plausible_date]}


class MeterCodesField(serializers.ListField):
    """Meter codes of the baseline's site (codes are unique per site, so they are resolved in validate)."""

    child = serializers.CharField(max_length=40)

    def to_representation(self, data):
        return [m.code for m in data.all()]


class BaselineSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    meters = MeterCodesField(required=False, max_length=200)
    medium = serializers.ChoiceField(choices=ENERGY_MEDIA, required=False, allow_blank=True)
    weak = serializers.BooleanField(read_only=True)
    unit = serializers.CharField(read_only=True)
    owner = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = EnergyBaseline
        fields = [
            "id",
            "site",
            "name",
            "scope",
            "seu_name",
            "meters",
            "measure",
            "medium",
            "unit",
            "base_start",
            "base_end",
            "use_hdd",
            "use_cdd",
            "intercept",
            "coefficients",
            "r2",
            "cv_rmse",
            "weak",
            "periods",
            "data_versions",
            "fitted_at",
            "owner",
            "created_at",
        ]
        read_only_fields = [
            "intercept",
            "coefficients",
            "r2",
            "cv_rmse",
            "periods",
            "data_versions",
            "fitted_at",
            "created_at",
        ]
        extra_kwargs = {"base_start": _PLAUSIBLE, "base_end": _PLAUSIBLE}

    def validate(self, attrs):
        codes = attrs.get("meters") or []
        if codes:
            meters = list(Meter.objects.filter(site=attrs["site"], code__in=codes))
            unknown = sorted(set(codes) - {m.code for m in meters})
            if unknown:
                raise serializers.ValidationError(
                    {"meters": [_("No such meters at this site: %(codes)s.") % {"codes": ", ".join(unknown)}]}
                )
            attrs["meters"] = meters
        return attrs


class BaselineRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)


class PeriodQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, validators=[validate_plausible_date])
    end = serializers.DateField(required=False, validators=[validate_plausible_date])


def _period(row) -> dict:
    return {
        "period": row.period.strftime("%Y-%m"),
        "in_baseline": row.in_baseline,
        "production_t": row.production,
        "hdd": row.hdd,
        "cdd": row.cdd,
        "actual": row.actual,
        "adjustment": row.adjustment,
        "expected": row.expected,
        "savings": row.savings,
        "enpi": row.enpi,
        "cusum": row.cusum,
        "tce_per_t": row.tce_per_t,
        "targets_missed": [t.pk for t in row.missed],
    }


@extend_schema_view(
    list=extend_schema(summary="Energy baselines", parameters=[_SITE]),
    create=extend_schema(
        summary="Define and fit an energy baseline",
        description=(
            "Monthly OLS of energy (site KPIs in tce or MWh of a medium, or MWh of a group of meters) on "
            "tonnes processed, plus HDD/CDD when chosen, over at least 12 months. 400 with the reason when "
            "months lack data, there are fewer than 12, or the drivers are singular; nothing is stored."
        ),
    ),
    partial_update=extend_schema(summary="Rename a baseline", request=BaselineRenameSerializer),
)
class EnergyBaselineViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = BaselineSerializer
    permission_classes = _PERMISSION
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = (
            EnergyBaseline.objects.select_related("site", "owner")
            .prefetch_related("meters")
            .order_by("site", "name")
        )
        code = self.request.query_params.get("site")
        return queryset.filter(site__code=code) if code else queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = service.baseline_create(
            site=data["site"],
            name=data["name"],
            scope=data.get("scope", BaselineScope.SITE),
            seu_name=data.get("seu_name", ""),
            meters=data.get("meters", []),
            measure=data["measure"],
            medium=data.get("medium", ""),
            base_start=data["base_start"],
            base_end=data["base_end"],
            use_hdd=data.get("use_hdd", False),
            use_cdd=data.get("use_cdd", False),
            by=self.request.user,
        )

    def partial_update(self, request, *args, **kwargs):
        rename = BaselineRenameSerializer(data=request.data)
        rename.is_valid(raise_exception=True)
        baseline = service.baseline_rename(
            baseline=self.get_object(), name=rename.validated_data["name"], by=request.user
        )
        return Response(BaselineSerializer(baseline).data)

    def destroy(self, request, *args, **kwargs):
        service.baseline_delete(baseline=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="A baseline's months: expected, actual, savings, EnPI and CUSUM",
        description=(
            "Months up to the last complete month of the site's time zone (``last_complete_month``); "
            "a month still running is not listed. A month without energy or without a production "
            "record has no expected, savings, EnPI or CUSUM (production is null when no record of "
            "tonnes processed overlaps it)."
        ),
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="First month shown (any day of it)"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last month shown"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def periods(self, request, *args, **kwargs):
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        baseline = self.get_object()
        start, end = query.validated_data.get("start"), query.validated_data.get("end")
        view = selectors.baseline_view(
            baseline=baseline,
            start=month_floor(start) if start else None,
            end=end,
        )
        return Response(
            {
                "baseline": baseline.pk,
                "unit": baseline.unit,
                "r2": baseline.r2,
                "weak": baseline.weak,
                "last_complete_month": view.last_complete.strftime("%Y-%m"),
                "results": [_period(r) for r in view.rows],
            }
        )

    @extend_schema(
        summary="Fit the baseline again on current data", request=None, responses=BaselineSerializer
    )
    @action(detail=True, methods=["post"])
    def refit(self, request, *args, **kwargs):
        baseline = service.baseline_refit(baseline=self.get_object(), by=request.user)
        return Response(BaselineSerializer(baseline).data)


class AdjustmentSerializer(serializers.ModelSerializer):
    baseline = serializers.PrimaryKeyRelatedField(queryset=EnergyBaseline.objects.all())
    recorded_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = BaselineAdjustment
        fields = ["id", "baseline", "effective_from", "per_period", "reason", "recorded_by", "recorded_at"]
        read_only_fields = ["recorded_at"]
        extra_kwargs = {"effective_from": _PLAUSIBLE}


@extend_schema_view(
    list=extend_schema(
        summary="Baseline adjustments (static-factor changes)",
        parameters=[OpenApiParameter("baseline", int, description="Baseline id")],
    ),
    create=extend_schema(
        summary="Record an adjustment: per_period is added to expected from effective_from on"
    ),
)
class BaselineAdjustmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = AdjustmentSerializer
    permission_classes = _PERMISSION

    def get_queryset(self):
        queryset = BaselineAdjustment.objects.select_related("recorded_by").order_by(
            "baseline", "effective_from", "id"
        )
        baseline = self.request.query_params.get("baseline")
        if baseline:
            if not baseline.isdigit() or len(baseline) > 18:
                raise serializers.ValidationError({"baseline": [_("Give a baseline id.")]})
            queryset = queryset.filter(baseline_id=int(baseline))
        return queryset

    def perform_create(self, serializer):
        serializer.instance = service.adjustment_record(by=self.request.user, **serializer.validated_data)


class TargetSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    baseline = serializers.PrimaryKeyRelatedField(
        queryset=EnergyBaseline.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=TargetKind.choices)

    class Meta:
        model = EnergyTarget
        fields = ["id", "site", "baseline", "kind", "value", "note", "active_from", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"active_from": _PLAUSIBLE}


@extend_schema_view(
    list=extend_schema(summary="Energy targets", parameters=[_SITE]),
    create=extend_schema(
        summary="Set an energy target",
        description="enpi_max needs a baseline; tce_per_t_max is checked on the site's monthly tce per tonne.",
    ),
)
class EnergyTargetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TargetSerializer
    permission_classes = _PERMISSION

    def get_queryset(self):
        queryset = EnergyTarget.objects.select_related("site").order_by("site", "kind", "id")
        code = self.request.query_params.get("site")
        return queryset.filter(site__code=code) if code else queryset

    def perform_create(self, serializer):
        serializer.instance = service.target_set(by=self.request.user, **serializer.validated_data)

    def destroy(self, request, *args, **kwargs):
        service.target_delete(target=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DriverValueSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    hdd = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, max_value=2000, required=False, allow_null=True
    )
    cdd = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, max_value=2000, required=False, allow_null=True
    )

    class Meta:
        model = DriverValue
        fields = ["id", "site", "period", "hdd", "cdd", "updated_at"]
        read_only_fields = ["updated_at"]
        validators = []  # the service replaces a month's values instead of refusing a second entry
        extra_kwargs = {"period": _PLAUSIBLE}


@extend_schema_view(
    list=extend_schema(summary="Degree days per site and month", parameters=[_SITE]),
    create=extend_schema(summary="Enter or correct a month's HDD and CDD (period: any day of the month)"),
)
class DriverValueViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = DriverValueSerializer
    permission_classes = _PERMISSION

    def get_queryset(self):
        queryset = DriverValue.objects.select_related("site").order_by("site", "period")
        code = self.request.query_params.get("site")
        return queryset.filter(site__code=code) if code else queryset

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = service.driver_value_set(
            site=data["site"],
            period=data["period"],
            hdd=data.get("hdd"),
            cdd=data.get("cdd"),
            by=self.request.user,
        )


class AlertSerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="target.site.code", read_only=True)
    baseline = serializers.IntegerField(source="target.baseline_id", read_only=True, allow_null=True)
    kind = serializers.CharField(source="target.kind", read_only=True)
    threshold = serializers.DecimalField(
        source="target.value", max_digits=14, decimal_places=6, read_only=True
    )

    class Meta:
        model = TargetAlert
        fields = ["id", "target", "site", "baseline", "kind", "threshold", "period", "actual", "created_at"]


@extend_schema_view(list=extend_schema(summary="Months that missed an energy target", parameters=[_SITE]))
class TargetAlertViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AlertSerializer
    permission_classes = [capability_permission(read=Capability.KPIS_READ)]

    def get_queryset(self):
        queryset = TargetAlert.objects.select_related("target__site").order_by("-period", "id")
        code = self.request.query_params.get("site")
        return queryset.filter(target__site__code=code) if code else queryset
