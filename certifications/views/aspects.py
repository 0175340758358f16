"""Pages of the environmental aspects register: the list, an aspect's page with its scores, and
recording and editing one (scored by its method when saved)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..exports.aspects import aspect_list_response
from ..filters.aspects import AspectFilter
from ..forms.aspects import AspectForm, AspectUpdateForm, aspect_initial
from ..models import Aspect
from ..selectors import aspects as aspect_selectors
from ..services import aspects as aspect_services
from ..services.aspects_import import ASPECT_TABLE
from ._registers_common import RegisterFormView, blank_as_empty, initial_of
from ._risk_registers import RegisterDetailView, RegisterListView
from .registers import RegisterImportView

_OPTIONAL_TEXT = ("reference", "title_zh", "operational_controls", "objectives", "notes")


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


class AspectCreateView(RegisterFormView):
    template_name = "certifications/registers/aspects/form.html"
    form_class = AspectForm

    def get_initial(self):
        return {"owner": self.request.user}

    def save(self, form):
        entry = aspect_services.aspect_create(
            by=self.request.user, **blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT)
        )
        messages.success(self.request, _("%(reference)s saved.") % {"reference": entry.reference})
        return redirect("register-aspect", pk=entry.pk)


class AspectUpdateView(RegisterFormView):
    template_name = "certifications/registers/aspects/form.html"
    form_class = AspectUpdateForm

    @cached_property
    def entry(self) -> Aspect:
        return get_object_or_404(aspect_selectors.aspects_for_list(), pk=self.kwargs["pk"])

    def get_initial(self):
        initial = initial_of(self.entry, sorted(aspect_services.FIELDS - {"scores"}))
        return {**initial, **aspect_initial(self.entry)}

    def save(self, form):
        data = blank_as_empty(form.cleaned_data, _OPTIONAL_TEXT)
        version = data.pop("version")
        aspect_services.aspect_update(entry=self.entry, by=self.request.user, version=version, **data)
        messages.success(self.request, _("%(reference)s saved.") % {"reference": self.entry.reference})
        return redirect("register-aspect", pk=self.entry.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "entry": self.entry}


class AspectImportView(RegisterImportView):
    table = ASPECT_TABLE
    title = gettext_lazy("Import environmental aspects")
