"""The GHG inventory API: the yearly inventory of an organisation, and its settings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accounting.models import (
    BaseYearRecalculation,
    InventoryCategory,
    InventorySettings,
    InventorySite,
    SourceUncertainty,
)
from accounting.selectors import inventory as selectors
from accounting.services import inventory
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR
from greenfactory.sites.models import Organisation, Site

_PERMISSION = [capability_permission(read=Capability.KPIS_READ, write=Capability.INVENTORY_WRITE)]


class InventoryQuerySerializer(serializers.Serializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    year = serializers.IntegerField(min_value=EARLIEST_YEAR, max_value=LATEST_YEAR)


@extend_schema_view(
    list=extend_schema(
        summary="The ISO 14064-1 GHG inventory of an organisation for a year",
        description=(
            "Organisational and reporting boundaries, emissions per category 1-6 and per gas, scope 2 "
            "location- and market-based, the factors and GWP sets used with their sources, uncertainty "
            "per source and combined (IPCC approach 1), and the base-year recalculation check. Built "
            "from the sites' month KPIs: its figures equal /api/v1/kpis/ with granularity=year. "
            "Figures are decimal strings in tCO2e."
        ),
        parameters=[
            OpenApiParameter("organisation", str, required=True, description="Organisation code"),
            OpenApiParameter("year", int, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
)
class GhgInventoryViewSet(viewsets.ViewSet):
    permission_classes = [capability_permission(read=Capability.KPIS_READ)]

    def list(self, request, *args, **kwargs):
        query = InventoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = selectors.ghg_inventory(
            organisation=query.validated_data["organisation"], year=query.validated_data["year"]
        )
        return Response(result.as_dict())


class InventorySettingsSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())

    class Meta:
        model = InventorySettings
        fields = [
            "id",
            "organisation",
            "consolidation",
            "boundary_note",
            "base_year",
            "base_year_tco2e",
            "recalculation_threshold_pct",
        ]
        validators = []  # one row per organisation: creating again updates it (see perform_create)


class _ServiceViewSet(viewsets.GenericViewSet):
    permission_classes = _PERMISSION

    def _org_filter(self, queryset, field: str = "organisation__code"):
        code = self.request.query_params.get("organisation")
        return queryset.filter(**{field: code}) if code else queryset


class _SetMixin(mixins.CreateModelMixin):
    """POST is "set": it creates the row (201) or, when one exists for the same key, updates it (200);
    ``perform_create`` says which in ``_updated``."""

    _updated = False

    def create(self, request, *args, **kwargs):
        self._updated = False
        response = super().create(request, *args, **kwargs)
        if self._updated:
            response.status_code = status.HTTP_200_OK
        return response


_ORG = OpenApiParameter("organisation", str, description="Organisation code")


@extend_schema_view(
    list=extend_schema(parameters=[_ORG], summary="Inventory settings per organisation"),
    create=extend_schema(
        summary="Set an organisation's consolidation approach and base year",
        responses={201: InventorySettingsSerializer, 200: InventorySettingsSerializer},
    ),
)
class InventorySettingsViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    _SetMixin,
    mixins.UpdateModelMixin,
    _ServiceViewSet,
):
    serializer_class = InventorySettingsSerializer
    ordering_fields = ["id"]

    def get_queryset(self):
        return self._org_filter(InventorySettings.objects.select_related("organisation").order_by("id"))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        self._updated = selectors.inventory_settings_stored(organisation=data["organisation"]) is not None
        serializer.instance = inventory.inventory_settings_save(
            organisation=data.pop("organisation"), by=self.request.user, **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organisation", None)
        serializer.instance = inventory.inventory_settings_save(
            organisation=serializer.instance.organisation, by=self.request.user, **data
        )


class InventorySiteSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    organisation = serializers.CharField(source="site.organisation.code", read_only=True)

    class Meta:
        model = InventorySite
        fields = ["id", "site", "organisation", "included", "equity_share_pct", "note"]
        validators = []


@extend_schema_view(
    list=extend_schema(parameters=[_ORG], summary="Sites in the organisational boundary"),
    create=extend_schema(
        summary="Put a site in or out of the boundary",
        responses={201: InventorySiteSerializer, 200: InventorySiteSerializer},
    ),
)
class InventorySiteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    _SetMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    _ServiceViewSet,
):
    serializer_class = InventorySiteSerializer
    ordering_fields = ["id"]

    def get_queryset(self):
        queryset = InventorySite.objects.select_related("site__organisation").order_by("site__code")
        return self._org_filter(queryset, "site__organisation__code")

    def _save(self, serializer, site):
        data = serializer.validated_data
        serializer.instance = inventory.inventory_site_save(
            site=site,
            included=data.get("included"),
            equity_share_pct=data.get("equity_share_pct"),
            note=data.get("note"),
            by=self.request.user,
        )

    def perform_create(self, serializer):
        self._updated = selectors.inventory_site_stored(site=serializer.validated_data["site"]) is not None
        self._save(serializer, serializer.validated_data["site"])

    def perform_update(self, serializer):
        if (
            "site" in serializer.validated_data
            and serializer.validated_data["site"] != serializer.instance.site
        ):
            raise serializers.ValidationError({"site": [_("The site of a boundary entry cannot change.")]})
        self._save(serializer, serializer.instance.site)

    def destroy(self, request, *args, **kwargs):
        inventory.inventory_site_delete(entry=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InventoryCategorySerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    category = serializers.IntegerField(min_value=1, max_value=6)

    class Meta:
        model = InventoryCategory
        fields = ["id", "organisation", "category", "included", "justification"]
        validators = []


@extend_schema_view(
    list=extend_schema(
        parameters=[_ORG], summary="ISO 14064-1 categories in or out of the reporting boundary"
    ),
    create=extend_schema(
        summary="Include or exclude a category",
        description="An exclusion needs a justification; categories 1 and 2 cannot be excluded.",
        responses={201: InventoryCategorySerializer, 200: InventoryCategorySerializer},
    ),
)
class InventoryCategoryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    _SetMixin,
    mixins.UpdateModelMixin,
    _ServiceViewSet,
):
    serializer_class = InventoryCategorySerializer
    ordering_fields = ["category"]

    def get_queryset(self):
        queryset = InventoryCategory.objects.select_related("organisation").order_by(
            "organisation", "category"
        )
        return self._org_filter(queryset)

    def _save(self, serializer, organisation, category):
        data = serializer.validated_data
        serializer.instance = inventory.inventory_category_save(
            organisation=organisation,
            category=category,
            included=data.get("included"),
            justification=data.get("justification"),
            by=self.request.user,
        )

    def perform_create(self, serializer):
        stored = selectors.inventory_category_stored(
            organisation=serializer.validated_data["organisation"],
            category=serializer.validated_data["category"],
        )
        self._updated = stored is not None
        self._save(
            serializer, serializer.validated_data["organisation"], serializer.validated_data["category"]
        )

    def perform_update(self, serializer):
        current = serializer.instance
        data = serializer.validated_data
        if (
            data.get("organisation", current.organisation) != current.organisation
            or data.get("category", current.category) != current.category
        ):
            raise serializers.ValidationError(
                {"category": [_("Change the entry of the other category instead.")]}
            )
        self._save(serializer, current.organisation, current.category)


class BaseYearRecalculationSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    created_by = serializers.StringRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = BaseYearRecalculation
        fields = ["id", "organisation", "date", "kind", "effect_tco2e", "reason", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]


@extend_schema_view(list=extend_schema(parameters=[_ORG], summary="Base-year recalculation events"))
class BaseYearRecalculationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    _ServiceViewSet,
):
    serializer_class = BaseYearRecalculationSerializer
    ordering_fields = ["date"]

    def get_queryset(self):
        queryset = BaseYearRecalculation.objects.select_related("organisation", "created_by")
        return self._org_filter(queryset.order_by("date", "id"))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = inventory.base_year_recalculation_create(
            organisation=data.pop("organisation"), by=self.request.user, **data
        )

    def destroy(self, request, *args, **kwargs):
        inventory.base_year_recalculation_delete(event=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SourceUncertaintySerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceUncertainty
        fields = ["id", "source", "percent", "basis"]
        read_only_fields = ["source"]


@extend_schema_view(
    list=extend_schema(summary="Uncertainty (± %) per emission source type"),
    partial_update=extend_schema(summary="Correct the uncertainty of a source type"),
)
class SourceUncertaintyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, _ServiceViewSet
):
    serializer_class = SourceUncertaintySerializer
    http_method_names = ["get", "patch", "head", "options"]
    ordering_fields = ["source"]

    def get_queryset(self):
        return SourceUncertainty.objects.order_by("source")

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = inventory.source_uncertainty_save(
            row=serializer.instance,
            percent=data.get("percent", serializer.instance.percent),
            basis=data.get("basis"),
            by=self.request.user,
        )
