"""What the aspects, hazards and incidents pages share: a filtered, sorted, paginated list with
CSV/Excel export, and an entry's page with its links and history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.views.generic import TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can

from ..models import Clause, Evidence, Finding
from ..selectors._risks_common import entry_history

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


class RegisterListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    filter_class: Any = None
    queryset: Callable[[], QuerySet] = staticmethod(lambda: QuerySet())  # type: ignore[assignment]
    export: Callable[..., Any] = staticmethod(lambda **kw: None)

    def get(self, request, *args, **kwargs):
        self.filterset = self.filter_class(request.GET or None, queryset=self.queryset())
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            return self.export(self.filterset.qs, fmt)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            page_obj=page,
            query=query.urlencode(),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context


def with_links(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(
        "sites",
        Prefetch("clauses", queryset=Clause.objects.select_related("standard")),
        Prefetch("evidence", queryset=Evidence.objects.order_by("title")),
        Prefetch("findings", queryset=Finding.objects.order_by("reference")),
    )


class RegisterDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.REGISTERS_READ
    queryset: Callable[[], QuerySet] = staticmethod(lambda: QuerySet())  # type: ignore[assignment]
    history_fields: list[str] = []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            entry = with_links(self.queryset()).get(pk=kwargs["pk"])
        except self.queryset().model.DoesNotExist as exc:
            raise Http404 from exc
        context.update(
            entry=entry,
            history=entry_history(entry=entry, fields=self.history_fields),
            can_write=can(self.request.user, Capability.REGISTERS_WRITE),
        )
        return context
