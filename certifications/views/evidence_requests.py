"""Evidence requests: the auditor asks from the portal (the portal's one write) and follows the
answers; staff keep each audit's PBC list and answer a request with evidence, or decline it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError, TransitionNotAllowed
from greenfactory.core.forms import form_add_domain_error

from ..exports.evidence_requests import evidence_request_list_response
from ..filters.evidence_requests import EvidenceRequestFilter
from ..forms.evidence_requests import (
    EvidenceRequestAnswerForm,
    EvidenceRequestDeclineForm,
    EvidenceRequestForm,
)
from ..models import Audit, EvidenceRequest, EvidenceRequestStatus
from ..selectors import evidence_requests as request_selectors
from ..selectors import portal as portal_selectors
from ..services import evidence_requests as request_services
from ._registers_common import RegisterListView
from .portal import PREVIEWABLE, PortalPageView, _address, with_latest_revision

# --- staff: the PBC list of an audit, one request, answering and declining -----------------------


class AuditEvidenceRequestListView(RegisterListView):
    """An audit's evidence requests: filters by status, clause and owner; CSV and Excel export."""

    capability = Capability.AUDITS_READ
    write_capability = Capability.EVIDENCE_WRITE
    template_name = "certifications/evidence_requests/list.html"
    filter_class = EvidenceRequestFilter

    @cached_property
    def audit(self) -> Audit:
        try:
            return Audit.objects.get(pk=self.kwargs["pk"])
        except Audit.DoesNotExist as exc:
            raise Http404 from exc

    def queryset(self):  # type: ignore[override]
        return request_selectors.evidence_request_list(audit=self.audit)

    def export(self, entries, fmt):  # type: ignore[override]
        return evidence_request_list_response(audit=self.audit, requests=entries, fmt=fmt)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "audit": self.audit}


class EvidenceRequestDetailView(CapabilityRequiredMixin, TemplateView):
    """One request with its answer and history, and (while open) the forms to answer or decline."""

    capability = Capability.AUDITS_READ
    template_name = "certifications/evidence_requests/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            request = request_selectors.evidence_request_detail(pk=self.kwargs["pk"])
        except EvidenceRequest.DoesNotExist as exc:
            raise Http404 from exc
        can_answer = request.status == EvidenceRequestStatus.OPEN and can(
            self.request.user, Capability.EVIDENCE_WRITE
        )
        candidates = request_selectors.answer_candidates(audit=request.audit)
        context.update(
            evidence_request=request,
            can_answer=can_answer,
            answer_form=kwargs.get("answer_form")
            or EvidenceRequestAnswerForm(prefix="answer", candidates=candidates),
            decline_form=kwargs.get("decline_form") or EvidenceRequestDeclineForm(prefix="decline"),
            history=list(request.history.select_related("history_user").order_by("-history_date")[:50]),
        )
        return context


def _render_detail(request, pk: int, **forms):
    view = EvidenceRequestDetailView(request=request, kwargs={"pk": pk})
    return view.render_to_response(view.get_context_data(**forms), status=400)


class _RequestWriteView(CapabilityRequiredMixin, View):
    """Answer or decline a request: ``form(item, data)`` checked, ``act(item, form, by)`` called;
    a refusal is shown on the form (400), a request already closed on its page."""

    capability = Capability.EVIDENCE_WRITE
    http_method_names = ["post"]
    prefix = ""
    done = ""

    def form(self, item: EvidenceRequest, data):
        raise NotImplementedError

    def act(self, item: EvidenceRequest, form, by) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            item = EvidenceRequest.objects.select_related("audit").get(pk=kwargs["pk"])
        except EvidenceRequest.DoesNotExist as exc:
            raise Http404 from exc
        form = self.form(item, request.POST)
        if form.is_valid():
            try:
                self.act(item, form, request.user)
            except TransitionNotAllowed as exc:
                messages.error(request, exc.message)  # answered or declined meanwhile
                return redirect("evidence-request-detail", pk=item.pk)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, self.done)
                return redirect("evidence-request-detail", pk=item.pk)
        return _render_detail(request, item.pk, **{f"{self.prefix}_form": form})


class EvidenceRequestAnswerView(_RequestWriteView):
    prefix = "answer"
    done = gettext_lazy("The request is answered; the auditor can open the evidence.")

    def form(self, item, data):
        candidates = request_selectors.answer_candidates(audit=item.audit)
        return EvidenceRequestAnswerForm(data, prefix=self.prefix, candidates=candidates)

    def act(self, item, form, by) -> None:
        data = form.cleaned_data
        request_services.evidence_request_answer(
            request=item, evidence=list(data["evidence"]), note=data["note"], by=by
        )


class EvidenceRequestDeclineView(_RequestWriteView):
    prefix = "decline"
    done = gettext_lazy("The request is declined.")

    def form(self, item, data):
        return EvidenceRequestDeclineForm(data, prefix=self.prefix)

    def act(self, item, form, by) -> None:
        request_services.evidence_request_decline(request=item, reason=form.cleaned_data["reason"], by=by)


# --- portal: the auditor's requests, asking, and one request with its answer ---------------------


class PortalEvidenceRequestsView(PortalPageView):
    """The auditor's requests for this audit and the form to ask for evidence against one of its
    clauses. The POST is the portal's only write; a clause outside the scope is the same 404 as a
    clause that does not exist."""

    template_name = "certifications/portal/requests.html"
    http_method_names = ["get", "head", "post"]

    @cached_property
    def clauses(self):
        return list(request_selectors.scope_clauses(self.scope))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initial = {"clause": self.request.GET.get("clause", "")}
        context.update(
            requests=list(request_selectors.scope_requests(self.scope)),
            form=kwargs.get("form") or EvidenceRequestForm(initial=initial, clauses=self.clauses),
        )
        return context

    def post(self, request, *args, **kwargs):
        scope = self.scope
        raw = request.POST.get("clause", "").strip()
        if raw.isascii() and raw.isdigit() and int(raw) not in scope.clause_ids:
            raise Http404
        form = EvidenceRequestForm(request.POST, clauses=self.clauses)
        status = 400
        if form.is_valid():
            clause = next(c for c in self.clauses if c.pk == form.cleaned_data["clause"])
            try:
                created = request_services.evidence_request_create(
                    invitation=scope.invitation,
                    clause=clause,
                    text=form.cleaned_data["text"],
                    due_on=form.cleaned_data["due_on"],
                    by=request.user,
                    path=request.get_full_path(),
                    remote_address=_address(request),
                )
            except request_services.OutOfScope as exc:
                raise Http404 from exc
            except DomainError as exc:
                form_add_domain_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Request %(label)s is sent to the plant.") % {"label": created.label},
                )
                return redirect("portal-request", pk=scope.invitation.pk, item=created.pk)
        return self.render_to_response(self.get_context_data(form=form), status=status)


class PortalEvidenceRequestView(PortalPageView):
    """One of the auditor's requests with the plant's answer and the evidence provided (each item
    opens in the portal: linking it to the request's clause put it in scope)."""

    template_name = "certifications/portal/request.html"

    @cached_property
    def evidence_request(self) -> EvidenceRequest:
        try:
            return request_selectors.scope_request(self.scope, self.kwargs["item"])
        except EvidenceRequest.DoesNotExist as exc:
            raise Http404 from exc

    def get(self, request, *args, **kwargs):
        self.logged_object = self.evidence_request
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.evidence_request
        provided = [e.pk for e in item.evidence.all()]
        evidence = with_latest_revision(portal_selectors.scope_evidence(self.scope).filter(pk__in=provided))
        context.update(evidence_request=item, evidence=evidence, previewable=PREVIEWABLE)
        return context
