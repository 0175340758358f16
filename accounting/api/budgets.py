"""The energy-budget API: budgets with their twelve months per quantity and tariffs, and actual
against budget with the year-end forecasts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounting.models import BudgetQuantity, EnergyBudget
from accounting.selectors import budgets as selectors
from accounting.services import budgets as service
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site
from metering.choices import Medium

_PERMISSION = [capability_permission(read=Capability.KPIS_READ, write=Capability.BASELINES_WRITE)]
_AMOUNT = {"max_digits": 18, "decimal_places": 6, "min_value": 0}


class LineSerializer(serializers.Serializer):
    quantity = serializers.ChoiceField(choices=BudgetQuantity.choices)
    medium = serializers.ChoiceField(choices=Medium.choices, required=False, allow_blank=True, default="")
    months = serializers.ListField(child=serializers.DecimalField(**_AMOUNT), min_length=12, max_length=12)


class TariffSerializer(serializers.Serializer):
    medium = serializers.ChoiceField(choices=Medium.choices)
    price_cny = serializers.DecimalField(**_AMOUNT)
    valid_from = serializers.DateField(validators=[validate_plausible_date])
    valid_to = serializers.DateField(required=False, allow_null=True, validators=[validate_plausible_date])


class BudgetSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    tolerance_percent = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=0, max_value=1000)
    lines = LineSerializer(many=True, max_length=50)
    tariffs = TariffSerializer(many=True, required=False, max_length=50)

    class Meta:
        model = EnergyBudget
        fields = [
            "id",
            "site",
            "year",
            "tolerance_percent",
            "notes",
            "version",
            "lines",
            "tariffs",
            "created_at",
        ]
        read_only_fields = ["version", "created_at"]
        validators: list = []  # one budget per site and year: the service answers 409


def _lines_out(budget: EnergyBudget) -> list[dict]:
    grouped: dict[tuple[str, str], list[str]] = {}
    for line in sorted(budget.lines.all(), key=lambda x: (x.quantity, x.medium, x.month)):
        grouped.setdefault((line.quantity, line.medium), []).append(str(line.amount))
    return [{"quantity": q, "medium": m, "months": months} for (q, m), months in grouped.items()]


def _tariffs_out(budget: EnergyBudget) -> list[dict]:
    return [
        {
            "medium": t.medium,
            "price_cny": str(t.price_cny),
            "valid_from": t.valid_from.isoformat(),
            "valid_to": t.valid_to.isoformat() if t.valid_to else None,
        }
        for t in budget.tariffs.all()
    ]


def _out(budget: EnergyBudget) -> dict:
    return {
        "id": budget.pk,
        "site": budget.site.code,
        "year": budget.year,
        "tolerance_percent": str(budget.tolerance_percent),
        "notes": budget.notes,
        "version": budget.version,
        "lines": _lines_out(budget),
        "tariffs": _tariffs_out(budget),
        "created_at": budget.created_at.isoformat().replace("+00:00", "Z"),
    }


def _lines_in(lines: list[dict]) -> dict:
    out = {}
    for line in lines:
        key = (line["quantity"], line.get("medium", ""))
        if key in out:
            raise serializers.ValidationError({"lines": [_("Each quantity appears once.")]})
        out[key] = line["months"]
    return out


class BudgetUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, help_text="The version the change was made on.")
    tolerance_percent = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, max_value=1000, required=False
    )
    notes = serializers.CharField(required=False, allow_blank=True)
    lines = LineSerializer(many=True, required=False, max_length=50)
    tariffs = TariffSerializer(many=True, required=False, max_length=50)


def _money(value) -> str | None:
    return None if value is None else str(value)


def _series_out(s: selectors.BudgetSeries) -> dict:
    return {
        "quantity": s.quantity,
        "medium": s.medium,
        "unit": s.unit,
        "budget_total": str(s.budget_total),
        "actual_to_date": str(s.actual_to_date),
        "months_elapsed": s.elapsed,
        "run_rate_forecast": _money(s.run_rate_forecast),
        "baseline_forecast": _money(s.baseline_forecast),
        "baseline": s.baseline_name or None,
        "months": [
            {
                "month": m.month,
                "budget": str(m.budget),
                "actual": _money(m.actual),
                "variance": _money(m.variance),
                "variance_percent": _money(m.variance_percent),
                "cumulative_budget": str(m.cumulative_budget),
                "cumulative_actual": _money(m.cumulative_actual),
                "over": m.over,
                "running": m.running,
                "tariff_cny": _money(m.tariff),
                "budget_cost_cny": _money(m.budget_cost),
                "actual_cost_cny": _money(m.actual_cost),
            }
            for m in s.months
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary="Energy and carbon budgets",
        parameters=[
            OpenApiParameter("site", str, description="Site code"),
            OpenApiParameter("year", int, description="Year"),
        ],
    ),
    create=extend_schema(
        summary="Set a site's budget for a year",
        description="Twelve monthly amounts per quantity (tce, one medium in its KPI unit, tCO2e). "
        "409 when the site already has a budget for the year; 400 with the reason for bad lines.",
    ),
    partial_update=extend_schema(
        summary="Change a budget made on a version",
        request=BudgetUpdateSerializer,
        description="409 (with current_version) when someone saved the budget since; nothing is saved.",
    ),
)
class EnergyBudgetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = BudgetSerializer
    permission_classes = _PERMISSION
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = EnergyBudget.objects.select_related("site").prefetch_related("lines", "tariffs")
        code = self.request.query_params.get("site")
        if code:
            queryset = queryset.filter(site__code=code)
        year = self.request.query_params.get("year")
        if year:
            queryset = (
                queryset.filter(year=int(year)) if year.isdigit() and len(year) == 4 else queryset.none()
            )
        return queryset.order_by("site__code", "-year", "pk")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        items = page if page is not None else self.get_queryset()
        data = [_out(b) for b in items]
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        return Response(_out(self.get_object()))

    def create(self, request, *args, **kwargs):
        serializer = BudgetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        budget = service.budget_create(
            site=data["site"],
            year=data["year"],
            lines=_lines_in(data["lines"]),
            tolerance_percent=data["tolerance_percent"],
            tariffs=data.get("tariffs", []),
            notes=data.get("notes", ""),
            by=request.user,
        )
        return Response(_out(selectors.budget_get(pk=budget.pk)), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer = BudgetUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        budget = service.budget_update(
            budget=self.get_object(),
            version=data["version"],
            lines=_lines_in(data["lines"]) if "lines" in data else None,
            tolerance_percent=data.get("tolerance_percent"),
            tariffs=data.get("tariffs"),
            notes=data.get("notes"),
            by=request.user,
        )
        return Response(_out(selectors.budget_get(pk=budget.pk)))

    def destroy(self, request, *args, **kwargs):
        service.budget_delete(budget=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Actual against budget, month by month, with the year-end forecasts",
        description="Actuals are the site's stored month KPIs. run_rate_forecast = actual to date / "
        "months elapsed * 12; baseline_forecast = actual to date + the site's energy baseline for the "
        "remaining months (driven by the same months of the year before), null when none applies.",
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def actual(self, request, *args, **kwargs):
        budget = self.get_object()
        return Response(
            {
                "budget": budget.pk,
                "site": budget.site.code,
                "year": budget.year,
                "tolerance_percent": str(budget.tolerance_percent),
                "results": [_series_out(s) for s in selectors.budget_vs_actual(budget=budget)],
            }
        )
