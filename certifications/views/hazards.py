"""Pages of the OH&S hazards register: the list and a hazard's page with its risk and controls."""

from __future__ import annotations

from ..exports.hazards import hazard_list_response
from ..filters.hazards import HazardFilter
from ..selectors import hazards as hazard_selectors
from ._risk_registers import RegisterDetailView, RegisterListView


def _list():
    return hazard_selectors.hazards_for_list().prefetch_related("sites", "controls")


class HazardListView(RegisterListView):
    template_name = "certifications/registers/hazards/list.html"
    filter_class = HazardFilter
    queryset = staticmethod(_list)
    export = staticmethod(lambda qs, fmt: hazard_list_response(hazards=qs, fmt=fmt))


class HazardDetailView(RegisterDetailView):
    template_name = "certifications/registers/hazards/detail.html"
    queryset = staticmethod(_list)
    history_fields = [
        "title",
        "hazard",
        "activity",
        "exposed",
        "initial_score",
        "residual_score",
        "review_on",
    ]
