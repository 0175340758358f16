"""The environmental aspects register through the API: list (filtered like the page), read, record,
and change from a version (409 on a conflict). The score and the verdict are worked out by the
aspect's significance method whenever it is saved; they cannot be sent."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from greenfactory.core.validators import validate_plausible_date
from greenfactory.sites.models import Site

from ..filters.aspects import AspectFilter
from ..models import Aspect, AspectCondition, Clause, Evidence, SignificanceMethod
from ..selectors import aspects as selectors
from ..services import aspects as services
from ._common import EditConflictSerializer, entry_changes, entry_created, user_field, version_field
from .obligations import REGISTERS

# Scores a client may send; the method's own scale (1 to 5 in the shipped one) decides the rest.
MAX_SCORE = 1000


class AspectSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    sites = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    method = serializers.SlugRelatedField(slug_field="code", read_only=True)
    scores = serializers.DictField(
        child=serializers.IntegerField(), read_only=True, help_text="One score per criterion of the method."
    )
    score = serializers.IntegerField(
        read_only=True, help_text="The criteria's scores combined by the method."
    )
    significant = serializers.BooleanField(read_only=True, help_text="The method's verdict.")

    class Meta:
        model = Aspect
        fields = [
            "id",
            "reference",
            "title",
            "title_zh",
            "activity",
            "aspect",
            "impact",
            "condition",
            "method",
            "scores",
            "score",
            "significant",
            "operational_controls",
            "objectives",
            "review_on",
            "sites",
            "owner",
            "clauses",
            "evidence",
            "findings",
            "notes",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AspectWriteSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Left out: the next ASP-<year>-NNN."
    )
    title = serializers.CharField(max_length=300)
    title_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    activity = serializers.CharField(max_length=300)
    aspect = serializers.CharField(max_length=300)
    impact = serializers.CharField(max_length=300)
    condition = serializers.ChoiceField(choices=AspectCondition.choices, required=False)
    method = serializers.SlugRelatedField(slug_field="code", queryset=SignificanceMethod.objects.all())
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=MAX_SCORE),
        help_text="One whole score per criterion code of the method, within the criterion's scale.",
    )
    operational_controls = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    objectives = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    review_on = serializers.DateField(required=False, allow_null=True, validators=[validate_plausible_date])
    owner = user_field(required=False, help_text="Left out: you.")
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    sites = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), many=True, required=False
    )
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True, required=False)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)


class AspectUpdateSerializer(AspectWriteSerializer):
    version = version_field(help_text="The version the change was made on; 409 when it is stale.")


@extend_schema_view(
    list=extend_schema(
        summary="List environmental aspects",
        description="Filter by site code, condition, significance and owner; sort by reference, score, "
        "activity or review date.",
    ),
    retrieve=extend_schema(summary="One environmental aspect, with its scores and verdict"),
)
class AspectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AspectSerializer
    permission_classes = [REGISTERS]
    filterset_class = AspectFilter

    def get_queryset(self):
        return selectors.aspects_for_list().prefetch_related("sites", "clauses", "evidence", "findings")

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(AspectSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(
        summary="Record an environmental aspect",
        description="Scored by its method: `score` and `significant` are worked out, never sent.",
        request=AspectWriteSerializer,
        responses={201: AspectSerializer},
    )
    def create(self, request, **kwargs):
        entry = entry_created(request, AspectWriteSerializer, services.aspect_create)
        return self._answer(entry.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an environmental aspect",
        description="From the version read; 409 with `current_version` when someone changed it since. "
        "Changing the method or a score scores the aspect again.",
        request=AspectUpdateSerializer,
        responses={200: AspectSerializer, 409: EditConflictSerializer},
    )
    def partial_update(self, request, pk=None, **kwargs):
        entry = self.get_object()
        version, data = entry_changes(request, AspectUpdateSerializer)
        services.aspect_update(entry=entry, by=request.user, version=version, **data)
        return self._answer(entry.pk)
