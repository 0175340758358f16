"""Pages of the Audits area: the dashboard, a site's programme, the audit list, planning an audit,
and an audit's page with its plan, meetings, checklist and report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error
from greenfactory.core.site_picker import pick_by_code
from greenfactory.sites.selectors import site_list

from ..exceptions import AuditCannotClose, EditConflict
from ..exports.audits import EXPORT_FORMATS, audit_list_response
from ..filters.audits import AuditFilter
from ..forms.audits import (
    AuditForm,
    AuditUpdateForm,
    ChecklistGenerateForm,
    ChecklistItemForm,
    MeetingsForm,
    ProgrammeForm,
    ReportForm,
    SessionForm,
)
from ..models import Audit, AuditSession, AuditStatus, ChecklistItem, ChecklistResult, FindingClass
from ..selectors import audits as audit_selectors
from ..selectors import portal as portal_selectors
from ..services import audits as audit_services
from ..services import checklists as checklist_services

PAGE_SIZE = 50


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


A = AuditStatus
# What each allowed change is called on the audit's buttons, forward steps first.
TRANSITION_LABELS = {
    (A.PLANNED, A.IN_PROGRESS): gettext_lazy("Start the audit"),
    (A.PLANNED, A.CANCELLED): gettext_lazy("Cancel the audit"),
    (A.IN_PROGRESS, A.REPORTING): gettext_lazy("Finish the fieldwork"),
    (A.REPORTING, A.CLOSED): gettext_lazy("Close the audit"),
    (A.REPORTING, A.IN_PROGRESS): gettext_lazy("Reopen the fieldwork"),
}


def _progress(items: list) -> list[tuple[str, str, int]]:
    """How far the checklist is: items per result, in the order of the results, open first."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.result] = counts.get(item.result, 0) + 1
    return [(value, label, counts[value]) for value, label in ChecklistResult.choices if counts.get(value)]


class AuditDashboardView(CapabilityRequiredMixin, TemplateView):
    """What needs attention: audits coming or late, open findings by age, late corrective-action
    steps, clauses that keep failing, and the findings per standard over the years."""

    capability = Capability.AUDITS_READ
    template_name = "certifications/audits/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        board = audit_selectors.dashboard(today=today)
        classes = [(c, str(FindingClass(c).label)) for c in FindingClass.values]
        trends = [{**t, "rows": [(label, t["counts"][key]) for key, label in classes]} for t in board.trends]
        chart = {
            "years": board.trend_years,
            "classes": [{"key": c, "label": label} for c, label in classes],
            "standards": board.trends,
        }
        board.trends = trends
        context.update(
            board=board,
            today=today,
            buckets=[b[0] for b in audit_selectors.AGE_BUCKETS],
            classes=classes,
            chart=chart,
            can_write=can(self.request.user, Capability.AUDITS_WRITE),
        )
        return context


class ProgrammeView(CapabilityRequiredMixin, TemplateView):
    """One site's year: a twelve-month calendar, the list, the certificates' cycles and objectives."""

    capability = Capability.AUDITS_READ
    template_name = "certifications/audits/programme.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        picked = pick_by_code(choices=site_list(), code=self.request.GET.get("site"))
        try:
            year = int(self.request.GET.get("year") or today.year)
        except ValueError as exc:
            raise Http404(_("No such year.")) from exc
        if not 1990 <= year <= 2100:
            raise Http404(_("No such year."))
        site = picked.chosen
        audits = audit_selectors.programme_audits(site=site, year=year) if site else []
        months = []
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            placed = [a for a in audits if a.starts_on.month == month]
            months.append({"date": first, "audits": placed})
        for audit in audits:
            audit.overdue = audit.is_overdue(today)  # type: ignore[attr-defined]
        programme = audit_selectors.programme_for(site=site, year=year) if site else None
        context.update(
            picked=picked,
            site=site,
            year=year,
            years=list(range(year - 2, year + 3)),
            months=months,
            audits=audits,
            programme=programme,
            programme_form=ProgrammeForm(
                initial={
                    "site": site.code if site else "",
                    "year": year,
                    "objectives": programme.objectives if programme else "",
                }
            ),
            cycles=audit_selectors.certificate_cycles(site=site, today=today) if site else [],
            can_write=can(self.request.user, Capability.AUDITS_WRITE),
        )
        return context


class ProgrammeObjectivesView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ProgrammeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a site and a year."))
            return redirect("audit-programme")
        site, year = form.cleaned_data["site"], form.cleaned_data["year"]
        try:
            programme = audit_services.programme_get_or_create(site=site, year=year, by=request.user)
            audit_services.programme_update(
                programme=programme, objectives=form.cleaned_data["objectives"], by=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Programme objectives saved."))
        return HttpResponseRedirect(f"{reverse('audit-programme')}?site={site.code}&year={year}")


class AuditListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.AUDITS_READ
    template_name = "certifications/audits/list.html"

    def get(self, request, *args, **kwargs):
        self.filterset = AuditFilter(request.GET or None, queryset=audit_selectors.audit_list())
        export = request.GET.get("export")
        if export in EXPORT_FORMATS:
            return audit_list_response(audits=self.filterset.qs, fmt=export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        today = timezone.localdate()
        for audit in page.object_list:
            audit.overdue = audit.is_overdue(today)
        context.update(
            filter=self.filterset,
            page_obj=page,
            query=_query_without_page(self.request),
            can_write=can(self.request.user, Capability.AUDITS_WRITE),
        )
        return context


class AuditCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.AUDITS_WRITE
    template_name = "certifications/audits/form.html"
    form_class = AuditForm
    http_method_names = ["get", "post", "head", "options"]

    def get_initial(self):
        initial: dict[str, Any] = {"lead_auditor": self.request.user}
        code = self.request.GET.get("site")
        if code:
            initial["site"] = site_list().filter(code=code).first()
        return initial

    def form_valid(self, form):
        try:
            audit = audit_services.audit_create(by=self.request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Audit %(reference)s planned.") % {"reference": audit.reference})
        return redirect("audit-detail", pk=audit.pk)


class AuditUpdateView(CapabilityRequiredMixin, FormView):
    capability = Capability.AUDITS_WRITE
    template_name = "certifications/audits/form.html"
    form_class = AuditUpdateForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def audit(self) -> Audit:
        return get_object_or_404(Audit, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.audit}

    def form_valid(self, form):
        try:
            audit_services.audit_update(audit=self.audit, by=self.request.user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Audit saved."))
        return redirect("audit-detail", pk=self.audit.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "audit": self.audit}


class AuditDetailView(CapabilityRequiredMixin, TemplateView):
    """The audit page. Its queries do not grow with the checklist (pinned by a test)."""

    capability = Capability.AUDITS_READ
    template_name = "certifications/audits/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            audit = audit_selectors.audit_detail(pk=kwargs["pk"])
        except Audit.DoesNotExist as exc:
            raise Http404 from exc
        items = audit_selectors.checklist_items(audit=audit)
        item_errors = kwargs.get("item_errors") or {}
        for item in items:
            item.error = item_errors.get(item.pk)
        findings = list(audit.findings.all())
        by_class = {c: [] for c in FindingClass.values}
        for finding in findings:
            by_class[finding.finding_class].append(finding)
        today = timezone.localdate()
        is_open = audit.status in audit_services.OPEN_STATES
        context.update(
            audit=audit,
            items=items,
            progress=_progress(items),
            results=ChecklistResult.choices,
            transitions=[
                (to, label) for (start, to), label in TRANSITION_LABELS.items() if start == audit.status
            ],
            blocking=kwargs.get("blocking") or [],
            findings=findings,
            findings_by_class=[(FindingClass(c).label, by_class[c]) for c in FindingClass.values],
            overdue=audit.is_overdue(today),
            is_open=is_open,
            recording=audit.status in (AuditStatus.IN_PROGRESS, AuditStatus.REPORTING)
            and audit.report_signed_at is None,
            generate_form=ChecklistGenerateForm(choices=audit_selectors.previous_audit_choices(audit=audit))
            if audit.status == AuditStatus.PLANNED and not items
            else None,
            session_form=kwargs.get("session_form") or SessionForm(prefix="session"),
            meetings_form=kwargs.get("meetings_form")
            or MeetingsForm(
                initial={
                    "opening_meeting_at": audit.opening_meeting_at,
                    "opening_meeting_notes": audit.opening_meeting_notes,
                    "closing_meeting_at": audit.closing_meeting_at,
                    "closing_meeting_notes": audit.closing_meeting_notes,
                }
            ),
            report_form=kwargs.get("report_form")
            or ReportForm(initial={"summary": audit.report_summary, "conclusions": audit.report_conclusions}),
            conflict=kwargs.get("conflict"),
            can_write=can(self.request.user, Capability.AUDITS_WRITE),
            invitations=portal_selectors.audit_invitations(audit=audit),
            can_issue_dossier=can(self.request.user, Capability.DOSSIERS_WRITE),
        )
        return context


def _render_detail(request, audit: Audit, status: int = 400, **extra: Any):
    view = AuditDetailView(request=request, kwargs={"pk": audit.pk})
    context = view.get_context_data(pk=audit.pk, **extra)
    return view.render_to_response(context, status=status)


class AuditTransitionView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        audit = get_object_or_404(Audit, pk=kwargs["pk"])
        try:
            audit = audit_services.audit_transition(
                audit=audit, to=request.POST.get("to", ""), by=request.user
            )
        except AuditCannotClose as exc:
            messages.error(request, _("The audit cannot close yet."))
            return _render_detail(request, audit, status=409, blocking=exc.blocking)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Status is now “%(status)s”.") % {"status": audit.get_status_display()}
            )
        return redirect("audit-detail", pk=audit.pk)


class ChecklistGenerateView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        audit = get_object_or_404(Audit.objects.select_related("programme__site"), pk=kwargs["pk"])
        form = ChecklistGenerateForm(
            request.POST, choices=audit_selectors.previous_audit_choices(audit=audit)
        )
        if not form.is_valid():
            messages.error(request, _("Choose an audit from the list, or none."))
            return redirect("audit-detail", pk=audit.pk)
        try:
            count = checklist_services.checklist_generate(
                audit=audit, by=request.user, copy_from=form.cleaned_data["copy_from"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Checklist generated with %(count)s items.") % {"count": count})
        return redirect("audit-detail", pk=audit.pk)


class SessionAddView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        audit = get_object_or_404(Audit, pk=kwargs["pk"])
        form = SessionForm(request.POST, prefix="session")
        if form.is_valid():
            try:
                audit_services.session_add(audit=audit, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Session added to the plan."))
                return redirect(reverse("audit-detail", args=[audit.pk]) + "#plan")
        return _render_detail(request, audit, session_form=form)


class SessionDeleteView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        session = get_object_or_404(AuditSession.objects.select_related("audit"), pk=kwargs["pk"])
        try:
            audit_services.session_delete(session=session, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Session removed from the plan."))
        return redirect(reverse("audit-detail", args=[session.audit_id]) + "#plan")


class MeetingsView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        audit = get_object_or_404(Audit, pk=kwargs["pk"])
        form = MeetingsForm(request.POST)
        if form.is_valid():
            try:
                audit_services.audit_update(audit=audit, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Meeting records saved."))
                return redirect(reverse("audit-detail", args=[audit.pk]) + "#meetings")
        return _render_detail(request, audit, meetings_form=form)


class ChecklistItemUpdateView(CapabilityRequiredMixin, View):
    """Save one item: refused as a conflict, with nothing saved, when it changed since it was shown."""

    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        item = get_object_or_404(ChecklistItem.objects.select_related("audit"), pk=kwargs["pk"])
        form = ChecklistItemForm(request.POST)
        anchor = reverse("audit-detail", args=[item.audit_id]) + f"#item-{item.pk}"
        if not form.is_valid():
            return _render_detail(request, item.audit, item_errors={item.pk: _("Check the item's values.")})
        data = form.cleaned_data
        try:
            checklist_services.checklist_item_update(
                item=item,
                version=data["version"],
                by=request.user,
                result=data["result"],
                notes=data["notes"],
                justification=data["justification"],
                sampled_evidence=data["sampled_evidence"],
            )
        except EditConflict as exc:
            return _render_detail(
                request, item.audit, status=409, item_errors={item.pk: exc.message}, conflict=item.pk
            )
        except DomainError as exc:
            return _render_detail(request, item.audit, item_errors={item.pk: exc.message})
        messages.success(request, _("Item %(number)s saved.") % {"number": item.number})
        return redirect(anchor)


class ReportUpdateView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        audit = get_object_or_404(Audit, pk=kwargs["pk"])
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                audit_services.report_update(audit=audit, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Report saved."))
                return redirect(reverse("audit-detail", args=[audit.pk]) + "#report")
        return _render_detail(request, audit, report_form=form)


class ReportSignOffView(CapabilityRequiredMixin, View):
    capability = Capability.AUDITS_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        audit = get_object_or_404(Audit, pk=kwargs["pk"])
        try:
            audit_services.report_sign_off(audit=audit, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Report signed off."))
        return redirect(reverse("audit-detail", args=[audit.pk]) + "#report")
