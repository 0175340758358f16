"""Pages of the environmental aspects register: the list and an aspect's page with its scores."""

from __future__ import annotations

from ..exports.aspects import aspect_list_response
from ..filters.aspects import AspectFilter
from ..selectors import aspects as aspect_selectors
from ._risk_registers import RegisterDetailView, RegisterListView


def _list():
    return aspect_selectors.aspects_for_list().prefetch_related("sites")


class AspectListView(RegisterListView):
    template_name = "certifications/registers/aspects/list.html"
    filter_class = AspectFilter
    queryset = staticmethod(_list)
    export = staticmethod(lambda qs, fmt: aspect_list_response(aspects=qs, fmt=fmt))


class AspectDetailView(RegisterDetailView):
    template_name = "certifications/registers/aspects/detail.html"
    queryset = staticmethod(aspect_selectors.aspects_for_list)
    history_fields = [
        "title",
        "activity",
        "aspect",
        "impact",
        "condition",
        "score",
        "significant",
        "operational_controls",
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        aspect = context["entry"]
        context["criteria"] = [
            (c, aspect.scores.get(c.code)) for c in aspect.method.criteria.order_by("position")
        ]
        return context
