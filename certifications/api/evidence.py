"""API of the evidence register: items, their status, file revisions and clause links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.uploads import refuse_oversized_body
from greenfactory.sites.models import Site

from ..exceptions import FileTooLarge
from ..exports.evidence import revision_file_response
from ..files import EXTENSIONS
from ..filters.evidence import EvidenceFilter
from ..models import Clause, Evidence, EvidenceRevision, EvidenceStatus
from ..selectors import evidence as evidence_selectors
from ..services import evidence as evidence_services

EVIDENCE = capability_permission(read=Capability.EVIDENCE_READ, write=Capability.EVIDENCE_WRITE)


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

    def get_download(self, obj: EvidenceRevision) -> str:
        return f"/api/v1/evidence-revisions/{obj.pk}/download/"


class EvidenceSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="username", queryset=evidence_selectors.owner_candidates()
    )
    sites = serializers.SlugRelatedField(
        slug_field="code", queryset=Site.objects.all(), many=True, required=False
    )
    clauses = serializers.PrimaryKeyRelatedField(queryset=Clause.objects.all(), many=True, required=False)
    status = serializers.CharField(read_only=True)
    approver = serializers.CharField(
        read_only=True, allow_null=True, help_text="Who approved it; null until then."
    )
    latest_revision = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "title",
            "title_zh",
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

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
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
        return evidence_selectors.evidence_list()

    def perform_create(self, serializer):
        serializer.instance = evidence_services.evidence_create(
            by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        fields = dict(serializer.validated_data)
        clauses = fields.pop("clauses", None)
        evidence = evidence_services.evidence_update(
            evidence=serializer.instance, by=self.request.user, **fields
        )
        if clauses is not None:
            evidence_services.evidence_set_clauses(evidence=evidence, clauses=clauses, by=self.request.user)
        serializer.instance = evidence_selectors.evidence_list().get(pk=evidence.pk)

    def _answer(self, pk: Any) -> Response:
        return Response(EvidenceSerializer(evidence_selectors.evidence_list().get(pk=pk)).data)

    @extend_schema(
        summary="Change the status (draft, in review, approved, superseded, expired)",
        request=TransitionSerializer,
        responses=EvidenceSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None, **kwargs):
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        evidence_services.evidence_transition(
            evidence=self.get_object(), to=payload.validated_data["to"], by=request.user
        )
        return self._answer(pk)

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
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
    )
    def revisions(self, request, pk=None, **kwargs):
        evidence = self.get_object()
        if request.method == "GET":
            revisions = evidence_selectors.revisions_of(evidence=evidence)
            return Response(RevisionSerializer(revisions, many=True).data)
        refuse_oversized_body(request, limit=settings.EVIDENCE_UPLOAD_MAX_BYTES, error=FileTooLarge)
        payload = UploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        revision = evidence_services.evidence_revision_add(
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
        evidence_services.evidence_link_clauses(
            evidence=self.get_object(), clauses=payload.validated_data["clauses"], by=request.user
        )
        return self._answer(pk)

    @extend_schema(summary="Remove clause links", request=LinkSerializer, responses=EvidenceSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, FormParser])
    def unlink(self, request, pk=None, **kwargs):
        payload = LinkSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        evidence = self.get_object()
        for clause in payload.validated_data["clauses"]:
            evidence_services.evidence_unlink_clause(evidence=evidence, clause=clause, by=request.user)
        return self._answer(pk)


@extend_schema_view(
    list=extend_schema(summary="List file revisions"), retrieve=extend_schema(summary="One file revision")
)
class EvidenceRevisionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = RevisionSerializer
    permission_classes = [EVIDENCE]
    filterset_fields = ["evidence"]

    def get_queryset(self):
        return evidence_selectors.revision_list()

    @extend_schema(
        summary="Download the file (permission-checked)",
        description="Answered with the media type sniffed from the file's content when it was uploaded.",
        responses={(200, media_type): OpenApiTypes.BINARY for media_type in EXTENSIONS},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None, **kwargs):
        return revision_file_response(self.get_object())
