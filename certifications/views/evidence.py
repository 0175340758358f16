import mimetypes

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.exports import csv_response, xlsx_response

from .. import selectors, services
from ..exceptions import FileTooLarge
from ..filters import EvidenceFilter
from ..forms import EvidenceForm, EvidenceLinkForm, EvidenceUploadForm, form_refused
from ..models import Clause, Evidence, EvidenceRevision, EvidenceStatus, Reminder
from ..services.evidence import TRANSITIONS
from ..storage import private_storage

PAGE_SIZE = 50


class EvidenceListView(CapabilityRequiredMixin, TemplateView):
    """The evidence register: filters shared with the API, pagination, CSV and Excel export."""

    capability = Capability.EVIDENCE_READ
    template_name = "certifications/evidence_list.html"

    def get(self, request, *args, **kwargs):
        self.filterset = EvidenceFilter(request.GET or None, queryset=selectors.evidence_list())
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            return self._export(export)
        return super().get(request, *args, **kwargs)

    def _rows(self):
        for e in self.filterset.qs:
            yield [
                e.pk,
                e.title,
                e.get_status_display(),
                str(e.owner),
                ", ".join(s.code for s in e.sites.all()) or _("All sites"),
                "; ".join(f"{c.standard.label} {c.number}" for c in e.clauses.all()),
                e.review_date,
                e.expiry_date,
                str(e.approver or ""),
                e.latest_revision,
            ]

    def _export(self, fmt: str):
        header = [
            _("ID"),
            _("Title"),
            _("Status"),
            _("Owner"),
            _("Sites"),
            _("Clauses"),
            _("Review date"),
            _("Expiry date"),
            _("Approver"),
            _("Latest revision"),
        ]
        if fmt == "csv":
            return csv_response(filename="evidence", header=header, rows=self._rows())
        return xlsx_response(filename="evidence", sheet=_("Evidence"), header=header, rows=self._rows())

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
            unread=Reminder.objects.filter(recipient=self.request.user, read_at__isnull=True).count(),
        )
        return context


class EvidenceCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.EVIDENCE_WRITE
    template_name = "certifications/evidence_form.html"
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
            evidence = services.evidence_create(by=self.request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Evidence recorded as a draft. Upload its file next."))
        return redirect("evidence-detail", pk=evidence.pk)


class EvidenceUpdateView(CapabilityRequiredMixin, FormView):
    capability = Capability.EVIDENCE_WRITE
    template_name = "certifications/evidence_form.html"
    form_class = EvidenceForm
    http_method_names = ["get", "post", "head", "options"]

    @cached_property
    def evidence(self) -> Evidence:
        return get_object_or_404(Evidence, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.evidence}

    def form_valid(self, form):
        fields = dict(form.cleaned_data)
        sites = fields.pop("sites")
        try:
            services.evidence_update(evidence=self.evidence, by=self.request.user, sites=sites, **fields)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Evidence saved."))
        return redirect("evidence-detail", pk=self.evidence.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "evidence": self.evidence}


class EvidenceDetailView(CapabilityRequiredMixin, TemplateView):
    """One item: its files, status actions, clause links and the crosswalk's suggestions."""

    capability = Capability.EVIDENCE_READ
    template_name = "certifications/evidence_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            evidence = selectors.evidence_detail(pk=kwargs["pk"])
        except Evidence.DoesNotExist as exc:
            raise Http404 from exc
        linked = list(evidence.clauses.all())
        linked_ids = {c.pk for c in linked}
        suggestions = [
            m for m in selectors.crosswalk_equivalents(clauses=linked) if m.target_id not in linked_ids
        ]
        seen = set()
        unique = []
        for m in suggestions:
            if m.target_id not in seen:
                seen.add(m.target_id)
                unique.append(m)
        groups: dict[str, list[Clause]] = {}
        for clause in selectors.clause_list():
            if clause.pk not in linked_ids:
                groups.setdefault(clause.standard.label, []).append(clause)
        context.update(
            evidence=evidence,
            linked=linked,
            clause_groups=groups.items(),
            suggestions=unique,
            transitions=[(s, EvidenceStatus(s).label) for s in sorted(TRANSITIONS[evidence.status])],
            upload_form=kwargs.get("upload_form") or EvidenceUploadForm(),
            can_write=can(self.request.user, Capability.EVIDENCE_WRITE),
            is_draft=evidence.status == EvidenceStatus.DRAFT,
        )
        return context


class EvidenceUploadView(CapabilityRequiredMixin, View):
    """Upload a new file revision; a refused file is a form error on the item's page (413/415/400)."""

    capability = Capability.EVIDENCE_WRITE
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        evidence = get_object_or_404(Evidence, pk=kwargs["pk"])
        try:
            refuse_oversized_body(request)
        except FileTooLarge as exc:
            form = form_refused(EvidenceUploadForm, exc.message)
            return self._render(request, evidence, form, exc.status_code)
        form = EvidenceUploadForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                revision = services.evidence_revision_add(
                    evidence=evidence,
                    file=upload,
                    name=upload.name,
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
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
            evidence = services.evidence_transition(evidence=evidence, to=to, by=request.user)
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
            count = services.evidence_link_clauses(
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
        services.evidence_unlink_clause(evidence=evidence, clause=clause, by=request.user)
        messages.success(request, _("Link removed."))
        return redirect("evidence-detail", pk=evidence.pk)


# Room for the multipart boundaries and the other form fields around the file.
MULTIPART_OVERHEAD = 64 * 1024


def refuse_oversized_body(request) -> None:
    """Refuse an upload by its declared length, before Django spools the body to disk."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.EVIDENCE_UPLOAD_MAX_BYTES
    if length > limit + MULTIPART_OVERHEAD:
        raise FileTooLarge(
            _("The file is larger than the limit of %(limit)s MB.") % {"limit": round(limit / 1024 / 1024, 1)}
        )


def revision_file_response(revision: EvidenceRevision) -> HttpResponse:
    """The file of a revision, after the caller checked permission: nginx serves it when configured."""
    extension = mimetypes.guess_extension(revision.media_type) or ""
    download_name = revision.original_name or f"evidence-{revision.evidence_id}-r{revision.number}{extension}"
    prefix = settings.PRIVATE_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=revision.media_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + revision.file.name
    else:
        try:
            handle = private_storage().open(revision.file.name, "rb")
        except FileNotFoundError as exc:
            raise Http404(_("The file is missing from storage.")) from exc
        response = FileResponse(handle, content_type=revision.media_type)
    response["Content-Disposition"] = _attachment(download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _attachment(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "evidence"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


class EvidenceDownloadView(CapabilityRequiredMixin, View):
    """Evidence files are private: this view is the only way to them."""

    capability = Capability.EVIDENCE_READ
    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        try:
            revision = selectors.revision_for_download(pk=kwargs["pk"])
        except EvidenceRevision.DoesNotExist as exc:
            raise Http404 from exc
        return revision_file_response(revision)


class NotificationListView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.EVIDENCE_READ
    template_name = "certifications/notification_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(selectors.reminders_for(user=self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(page_obj=page, query="")
        return context


class NotificationReadView(CapabilityRequiredMixin, View):
    capability = Capability.EVIDENCE_READ
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        reminder = get_object_or_404(Reminder, pk=kwargs["pk"], recipient=request.user)
        services.reminder_mark_read(reminder=reminder, by=request.user)
        return redirect("notification-list")
