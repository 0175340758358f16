"""Pages of the evidence register: the list and its exports, an item, its files, status and links."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error, form_refused
from greenfactory.core.uploads import refuse_oversized_body

from ..exceptions import FileTooLarge
from ..exports.evidence import REGISTER_FORMATS, register_response, revision_file_response
from ..filters.evidence import EvidenceFilter
from ..forms.evidence import EvidenceForm, EvidenceLinkForm, EvidenceUploadForm
from ..models import Clause, ClauseMapping, Evidence, EvidenceRevision, EvidenceStatus
from ..selectors import evidence as evidence_selectors
from ..selectors import reminders as reminder_selectors
from ..selectors import standards as standard_selectors
from ..services import evidence as evidence_services
from ..services.evidence import TRANSITIONS

PAGE_SIZE = 50


class EvidenceListView(CapabilityRequiredMixin, TemplateView):
    """The evidence register: filters shared with the API, pagination, CSV and Excel export."""

    capability = Capability.EVIDENCE_READ
    template_name = "certifications/evidence/list.html"

    def get(self, request, *args, **kwargs):
        self.filterset = EvidenceFilter(request.GET or None, queryset=evidence_selectors.evidence_list())
        export = request.GET.get("export")
        if export in REGISTER_FORMATS:
            return register_response(evidence=self.filterset.qs, fmt=export)
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
            can_write=can(self.request.user, Capability.EVIDENCE_WRITE),
            unread=reminder_selectors.reminders_unread_count(user=self.request.user),
        )
        return context


class EvidenceCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.EVIDENCE_WRITE
    template_name = "certifications/evidence/form.html"
    form_class = EvidenceForm
    http_method_names = ["get", "post", "head", "options"]

    def get_initial(self):
        initial = {"owner": self.request.user}
        clause = self.request.GET.get("clause")
        if clause and clause.isdigit():
            initial["clauses"] = Clause.objects.filter(pk=clause)
        return initial

    def form_valid(self, form):
        try:
            evidence = evidence_services.evidence_create(by=self.request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Evidence recorded as a draft. Upload its file next."))
        return redirect("evidence-detail", pk=evidence.pk)


class EvidenceUpdateView(CapabilityRequiredMixin, FormView):
    capability = Capability.EVIDENCE_WRITE
    template_name = "certifications/evidence/form.html"
    form_class = EvidenceForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def evidence(self) -> Evidence:
        return get_object_or_404(Evidence, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.evidence}

    def form_valid(self, form):
        was_approved = self.evidence.status == EvidenceStatus.APPROVED
        try:
            evidence = evidence_services.evidence_update(
                evidence=self.evidence, by=self.request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Evidence saved."))
        if was_approved and evidence.status == EvidenceStatus.IN_REVIEW:
            messages.warning(
                self.request, _("The approved content changed, so the item is back in review for approval.")
            )
        return redirect("evidence-detail", pk=self.evidence.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "evidence": self.evidence}


def _suggestions(linked: list[Clause]) -> list[ClauseMapping]:
    """The crosswalk's equivalents of the linked clauses, each target clause once."""
    linked_ids = {c.pk for c in linked}
    seen: set[int] = set()
    unique = []
    for m in standard_selectors.crosswalk_equivalents(clauses=linked):
        if m.target_id not in linked_ids and m.target_id not in seen:
            seen.add(m.target_id)
            unique.append(m)
    return unique


class EvidenceDetailView(CapabilityRequiredMixin, TemplateView):
    """One item: its files, status actions, clause links and the crosswalk's suggestions."""

    capability = Capability.EVIDENCE_READ
    template_name = "certifications/evidence/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            evidence = evidence_selectors.evidence_detail(pk=kwargs["pk"])
        except Evidence.DoesNotExist as exc:
            raise Http404 from exc
        linked = list(evidence.clauses.all())
        context.update(
            evidence=evidence,
            linked=linked,
            suggestions=_suggestions(linked),
            transitions=[(s, EvidenceStatus(s).label) for s in sorted(TRANSITIONS[evidence.status])],
            upload_form=kwargs.get("upload_form") or EvidenceUploadForm(),
            link_form=EvidenceLinkForm(auto_id="link-%s"),
            can_write=can(self.request.user, Capability.EVIDENCE_WRITE),
            is_draft=evidence.status == EvidenceStatus.DRAFT,
            history=evidence_selectors.evidence_history(evidence=evidence),
        )
        return context


class EvidenceUploadView(CapabilityRequiredMixin, View):
    """Upload a new file revision; a refused file is a form error on the item's page (413/415/400)."""

    capability = Capability.EVIDENCE_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        evidence = get_object_or_404(Evidence, pk=kwargs["pk"])
        try:
            refuse_oversized_body(request, limit=settings.EVIDENCE_UPLOAD_MAX_BYTES, error=FileTooLarge)
        except FileTooLarge as exc:
            form = form_refused(EvidenceUploadForm, exc.message)
            return self._render(request, evidence, form, exc.status_code)
        form = EvidenceUploadForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                revision = evidence_services.evidence_revision_add(
                    evidence=evidence,
                    file=upload,
                    name=upload.name,
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except DomainError as exc:
                form_add_domain_error(form, exc, field="file")
                status = exc.status_code
            else:
                messages.success(request, _("Revision %(number)s stored.") % {"number": revision.number})
                return redirect("evidence-detail", pk=evidence.pk)
        return self._render(request, evidence, form, status)

    def _render(self, request, evidence, form, status):
        view = EvidenceDetailView(request=request, kwargs={"pk": evidence.pk})
        context = view.get_context_data(pk=evidence.pk, upload_form=form)
        return view.render_to_response(context, status=status)


class EvidenceTransitionView(CapabilityRequiredMixin, View):
    capability = Capability.EVIDENCE_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        evidence = get_object_or_404(Evidence, pk=kwargs["pk"])
        to = request.POST.get("to", "")
        try:
            evidence = evidence_services.evidence_transition(evidence=evidence, to=to, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Status is now “%(status)s”.") % {"status": evidence.get_status_display()}
            )
        return redirect("evidence-detail", pk=evidence.pk)


class EvidenceLinkView(CapabilityRequiredMixin, View):
    capability = Capability.EVIDENCE_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        evidence = get_object_or_404(Evidence, pk=kwargs["pk"])
        form = EvidenceLinkForm(request.POST)
        if form.is_valid():
            count = evidence_services.evidence_link_clauses(
                evidence=evidence, clauses=form.cleaned_data["clauses"], by=request.user
            )
            messages.success(request, _("%(count)s clauses linked.") % {"count": count})
        else:
            messages.error(request, _("Choose the clauses to link."))
        return redirect("evidence-detail", pk=evidence.pk)


class EvidenceUnlinkView(CapabilityRequiredMixin, View):
    capability = Capability.EVIDENCE_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        evidence = get_object_or_404(Evidence, pk=kwargs["pk"])
        clause = get_object_or_404(Clause, pk=kwargs["clause_id"])
        evidence_services.evidence_unlink_clause(evidence=evidence, clause=clause, by=request.user)
        messages.success(request, _("Link removed."))
        return redirect("evidence-detail", pk=evidence.pk)


class EvidenceDownloadView(CapabilityRequiredMixin, View):
    """Evidence files are private: this view is the only way to them."""

    capability = Capability.EVIDENCE_READ
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        try:
            revision = evidence_selectors.revision_for_download(pk=kwargs["pk"])
        except EvidenceRevision.DoesNotExist as exc:
            raise Http404 from exc
        return revision_file_response(revision)
