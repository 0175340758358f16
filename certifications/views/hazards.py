"""Pages of the OH&S hazards register: the list, a hazard's page with its risk and controls, and
recording and editing one (scored by its risk method when saved)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..exports.hazards import hazard_list_response
from ..filters.hazards import HazardFilter
from ..forms.hazards import ControlFormSet, HazardForm, HazardUpdateForm, controls_of, hazard_initial
from ..models import Hazard
from ..selectors import hazards as hazard_selectors
from ..services import hazards as hazard_services
from ..services.hazards_import import HAZARD_TABLE
from ._registers_common import RegisterFormView, blank_as_empty, initial_of
from ._risk_registers import RegisterDetailView, RegisterListView
from .registers import RegisterImportView

_OPTIONAL_TEXT = ("reference", "title_zh", "exposed", "notes")


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


class _HazardFormView(RegisterFormView):
    """The hazard form with its controls (a formset): both must be valid before the service runs."""

    template_name = "certifications/registers/hazards/form.html"
    entry: Hazard | None = None

    @cached_property
    def controls(self) -> Any:
        data = self.request.POST if self.request.method == "POST" else None
        initial = None
        if self.entry is not None:
            initial = [
                {"level": c.level, "description": c.description, "in_place": c.in_place}
                for c in self.entry.controls.all()
            ]
        return ControlFormSet(data, initial=initial, prefix="controls")

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid() and self.controls.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entry": self.entry, "controls": self.controls}


class HazardCreateView(_HazardFormView):
    form_class = HazardForm

    def get_initial(self):
        return {"owner": self.request.user}

    def save(self, form):
        data = blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT)
        entry = hazard_services.hazard_create(
            by=self.request.user, controls=controls_of(self.controls), **data
        )
        messages.success(self.request, _("%(reference)s saved.") % {"reference": entry.reference})
        return redirect("register-hazard", pk=entry.pk)


class HazardUpdateView(_HazardFormView):
    form_class = HazardUpdateForm

    @cached_property
    def entry(self) -> Hazard:  # type: ignore[override]
        return get_object_or_404(hazard_selectors.hazards_for_list(), pk=self.kwargs["pk"])

    def get_initial(self):
        fields = hazard_services.FIELDS - {"initial_factors", "residual_factors"}
        return {**initial_of(self.entry, sorted(fields)), **hazard_initial(self.entry)}

    def save(self, form):
        data = blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT)
        version = data.pop("version")
        hazard_services.hazard_update(
            entry=self.entry,
            by=self.request.user,
            version=version,
            controls=controls_of(self.controls),
            **data,
        )
        messages.success(self.request, _("%(reference)s saved.") % {"reference": self.entry.reference})
        return redirect("register-hazard", pk=self.entry.pk)


class HazardImportView(RegisterImportView):
    table = HAZARD_TABLE
    title = gettext_lazy("Import OH&S hazards")
