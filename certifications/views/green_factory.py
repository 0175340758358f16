"""Pages of the green-factory self-evaluation under /green-factory/: the evaluations with their scores
and gate, opening one, an evaluation with its gate, groups and indicators (what-if, refill from the
measured data, Excel export), entering an indicator by hand and recording a hand-decided gate item."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.exports import xlsx_file_response
from greenfactory.core.forms import form_add_domain_error

from ..exceptions import EditConflict
from ..exports.green_factory import evaluation_filename, evaluation_xlsx
from ..forms.green_factory import EvaluationOpenForm, GateResultForm, IndicatorValueForm, WhatIfForm
from ..models import Evaluation, GateItem, Indicator, IndicatorValue, ValueOrigin
from ..selectors import green_factory as selectors
from ..selectors.green_factory_gate import (
    GATE_CHECKS,
    evaluation_gate,
    gate_passed,
    gate_verdict_label,
    not_decided_check,
)
from ..services import green_factory_fill as fill_services
from ..services import green_factory_values as services

PAGE_SIZE = 20


def _tabs(tab: str) -> dict[str, Any]:
    return {"tab": tab}


class EvaluationListView(CapabilityRequiredMixin, TemplateView):
    """Every evaluation per site and year with its score and gate; the form to open one."""

    capability = Capability.GREEN_FACTORY_READ
    template_name = "certifications/green_factory/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.evaluation_list(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        rows = selectors.evaluation_rows(evaluations=list(page.object_list))
        for row in rows:
            row.gate = gate_passed(evaluation_gate(evaluation=row.evaluation, today=today))
        can_write = can(self.request.user, Capability.GREEN_FACTORY_WRITE)
        context.update(
            _tabs("evaluations"),
            rows=rows,
            page_obj=page,
            can_write=can_write,
            open_form=kwargs.get("open_form") or (EvaluationOpenForm() if can_write else None),
        )
        return context


class EvaluationOpenView(CapabilityRequiredMixin, View):
    capability = Capability.GREEN_FACTORY_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = EvaluationOpenForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            existed = Evaluation.objects.filter(site=data["site"], year=data["year"]).first()
            try:
                evaluation = services.evaluation_open(by=request.user, **data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                if existed is not None:
                    messages.info(request, _("The site already has an evaluation for this year."))
                else:
                    # Filled at once from the KPIs already stored, rather than at the next sweep.
                    fill_services.evaluation_fill(evaluation=evaluation, by=request.user)
                    messages.success(request, _("Evaluation opened."))
                return redirect("green-factory-evaluation", pk=evaluation.pk)
        view = EvaluationListView(request=request, kwargs={})
        context = view.get_context_data(open_form=form)
        return render(request, EvaluationListView.template_name, context, status=400)


def _evaluation(pk: int) -> Evaluation:
    return get_object_or_404(Evaluation.objects.select_related("site", "scheme"), pk=pk)


def _annotate(score: selectors.EvaluationScore) -> None:
    """What the page prints beside each indicator's score: the provenance summary and in full, and the
    fill note saying why a value is missing."""
    notes = score.evaluation.fill_notes or {}
    for entry in score.indicators():
        stored = entry.entry
        automatic = stored is not None and stored.origin == ValueOrigin.AUTOMATIC
        reason = notes.get(entry.indicator.code)
        entry.summary = selectors.provenance_summary(stored.provenance) if automatic and stored else None  # type: ignore[attr-defined]
        entry.provenance_json = (  # type: ignore[attr-defined]
            json.dumps(stored.provenance, indent=2, ensure_ascii=False, sort_keys=True) if stored else ""
        )
        entry.note = str(fill_services.FILL_REASONS.get(reason, reason)) if reason else ""  # type: ignore[attr-defined]


def render_evaluation(
    request, evaluation: Evaluation, *, gate_forms: dict[int, GateResultForm] | None = None, status=200
):
    """The evaluation page (also for a gate form with errors, shown beside its item)."""
    score = selectors.evaluation_score(evaluation=evaluation)
    _annotate(score)
    gate = evaluation_gate(evaluation=evaluation, today=timezone.localdate())
    verdict = gate_passed(gate)
    can_write = can(request.user, Capability.GREEN_FACTORY_WRITE)
    evidence = selectors.evidence_for_site(site_id=evaluation.site_id)
    forms = dict(gate_forms or {})
    if can_write:
        for check in gate:
            if GATE_CHECKS.get(check.item.kind, not_decided_check) is not_decided_check:
                initial = {"outcome": check.outcome, "note": check.result.note if check.result else ""}
                if check.result is not None:
                    initial["evidence"] = list(check.result.evidence.all())
                forms.setdefault(check.item.pk, GateResultForm(initial=initial, evidence=evidence))
    for check in gate:
        check.form = forms.get(check.item.pk)  # type: ignore[attr-defined]
    what_if_form, effect = None, None
    if "indicator" in request.GET:
        what_if_form = WhatIfForm(request.GET, scheme=evaluation.scheme)
        if what_if_form.is_valid() and "what_if" in what_if_form.cleaned_data:
            data = what_if_form.cleaned_data
            effect = selectors.what_if_effect(score=score, indicator=data["indicator"], value=data["what_if"])
    context = {
        **_tabs("evaluations"),
        "evaluation": evaluation,
        "score": score,
        "gate": gate,
        "verdict": verdict,
        "verdict_label": gate_verdict_label(verdict),
        "can_write": can_write,
        "can_issue_dossier": can(request.user, Capability.DOSSIERS_WRITE),
        "what_if_form": what_if_form or WhatIfForm(scheme=evaluation.scheme),
        "effect": effect,
    }
    return render(request, "certifications/green_factory/evaluation.html", context, status=status)


class EvaluationDetailView(CapabilityRequiredMixin, View):
    """The evaluation; ``?export=xlsx`` downloads it as a workbook."""

    capability = Capability.GREEN_FACTORY_READ
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        evaluation = _evaluation(kwargs["pk"])
        if request.GET.get("export") == "xlsx":
            score = selectors.evaluation_score(evaluation=evaluation)
            gate = evaluation_gate(evaluation=evaluation, today=timezone.localdate())
            content = evaluation_xlsx(score=score, gate=gate)
            return xlsx_file_response(filename=evaluation_filename(evaluation), content=content)
        return render_evaluation(request, evaluation)


class EvaluationRefillView(CapabilityRequiredMixin, View):
    """Refill the automatic values from the measured data now, rather than waiting for the KPIs' signal."""

    capability = Capability.GREEN_FACTORY_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        evaluation = _evaluation(kwargs["pk"])
        result = fill_services.evaluation_fill(evaluation=evaluation, by=request.user)
        messages.success(
            request,
            _("Refilled from measured data: %(filled)s values filled, %(missing)s missing.")
            % {"filled": len(result.filled), "missing": len(result.missing)},
        )
        return redirect("green-factory-evaluation", pk=evaluation.pk)


class IndicatorValueView(CapabilityRequiredMixin, TemplateView):
    """Enter an indicator's value (or case) by hand with a reason and evidence; a value changed by
    someone else since the page was opened is refused (409) and the input kept."""

    capability = Capability.GREEN_FACTORY_READ
    write_capability = Capability.GREEN_FACTORY_WRITE
    template_name = "certifications/green_factory/value_form.html"
    http_method_names = ["get", "post", "head", "options"]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.evaluation_pk, self.indicator_pk = kwargs["pk"], kwargs["indicator"]

    def _objects(self) -> tuple[Evaluation, Indicator, IndicatorValue | None]:
        evaluation = _evaluation(self.evaluation_pk)
        indicator = get_object_or_404(Indicator, pk=self.indicator_pk, scheme_id=evaluation.scheme_id)
        entry = (
            IndicatorValue.objects.filter(evaluation=evaluation, indicator=indicator)
            .prefetch_related("evidence")
            .first()
        )
        return evaluation, indicator, entry

    def _form(self, evaluation, indicator, entry, data=None) -> IndicatorValueForm:
        initial: dict[str, Any] = {"version": entry.version if entry else None}
        if entry is not None:
            initial.update(value=entry.value, case=entry.case, reason=entry.reason)
            if entry.origin == ValueOrigin.MANUAL:
                initial["evidence"] = list(entry.evidence.all())
        evidence = selectors.evidence_for_site(site_id=evaluation.site_id)
        return IndicatorValueForm(data, initial=initial, indicator=indicator, evidence=evidence)

    def _page(self, evaluation, indicator, entry, form, status=200):
        context = self.get_context_data(
            **_tabs("evaluations"), evaluation=evaluation, indicator=indicator, entry=entry, form=form
        )
        context["can_write"] = can(self.request.user, Capability.GREEN_FACTORY_WRITE)
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        evaluation, indicator, entry = self._objects()
        return self._page(evaluation, indicator, entry, self._form(evaluation, indicator, entry))

    def post(self, request, *args, **kwargs):
        evaluation, indicator, entry = self._objects()
        form = self._form(evaluation, indicator, entry, request.POST)
        if not form.is_valid():
            return self._page(evaluation, indicator, entry, form, status=400)
        data = form.cleaned_data
        try:
            services.indicator_value_override(
                evaluation=evaluation,
                indicator=indicator,
                value=data.get("value"),
                case=data.get("case") or "",
                reason=data["reason"],
                evidence=list(data["evidence"]),
                version=data["version"],
                by=request.user,
            )
        except EditConflict as exc:
            form.add_error(None, exc.message)
            return self._page(evaluation, indicator, entry, form, status=409)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self._page(evaluation, indicator, entry, form, status=400)
        messages.success(request, _("Value of %(code)s saved.") % {"code": indicator.code})
        return redirect(reverse("green-factory-evaluation", args=[evaluation.pk]) + f"#ind-{indicator.pk}")


class GateResultView(CapabilityRequiredMixin, View):
    """Record a hand-decided gate item; the items registers decide are refused."""

    capability = Capability.GREEN_FACTORY_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        evaluation = _evaluation(kwargs["pk"])
        item = get_object_or_404(GateItem, pk=kwargs["item"], scheme_id=evaluation.scheme_id)
        form = GateResultForm(request.POST, evidence=selectors.evidence_for_site(site_id=evaluation.site_id))
        if GATE_CHECKS.get(item.kind, not_decided_check) is not not_decided_check:
            form.full_clean()
            form.add_error(
                None, _("This item is decided by its register (certificates, permits or incidents).")
            )
        elif form.is_valid():
            try:
                services.gate_result_record(
                    evaluation=evaluation,
                    item=item,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    evidence=list(form.cleaned_data["evidence"]),
                    by=request.user,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Result of %(code)s recorded.") % {"code": item.code})
                return redirect(reverse("green-factory-evaluation", args=[evaluation.pk]) + "#gate")
        return render_evaluation(request, evaluation, gate_forms={item.pk: form}, status=400)
