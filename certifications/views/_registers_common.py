"""What the register pages share: a filtered, sorted, paginated list with CSV/Excel export; an
entry's page (404 for an unknown one) with its history; forms that show a service's refusal, an
edit made on an older version on top; uploads refused when the body is too large."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError
from greenfactory.core.forms import form_add_domain_error, form_refused
from greenfactory.core.uploads import refuse_oversized_body

from ..exceptions import EditConflict, FileTooLarge
from ..models import Clause, Evidence, Finding
from ..selectors._common import entry_history

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


def query_without_page(request: HttpRequest) -> str:
    """The list's query string without its page, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class RegisterListView(CapabilityRequiredMixin, TemplateView):
    """A register's list: ``filter_class`` over ``queryset()``, 50 a page; ``?export=csv|xlsx``
    answers ``export(entries, fmt)`` with every filtered entry instead."""

    capability = Capability.REGISTERS_READ
    write_capability = Capability.REGISTERS_WRITE
    filter_class: Any = None
    queryset: Callable[[], QuerySet] = staticmethod(lambda: QuerySet())  # type: ignore[assignment]
    export: Callable[..., Any] = staticmethod(lambda **kw: None)

    def get(self, request, *args, **kwargs):
        self.filterset = self.filter_class(request.GET or None, queryset=self.queryset())
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            return self.export(self.filterset.qs, fmt)
        return super().get(request, *args, **kwargs)

    def show(self, entries: Sequence[Any]) -> None:
        """Set on a page's entries what the list shows beside their fields (nothing by default)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        self.show(page.object_list)
        context.update(
            filter=self.filterset,
            page_obj=page,
            query=query_without_page(self.request),
            can_write=can(self.request.user, self.write_capability),
        )
        return context


class RegisterEntryView(CapabilityRequiredMixin, TemplateView):
    """An entry's page: ``get_entry(pk)`` (404 when there is none) under ``entry_name``, with what
    ``entry_context`` adds."""

    capability = Capability.REGISTERS_READ
    entry_name = "entry"

    def get_entry(self, pk: int) -> Any:
        raise NotImplementedError

    def entry_context(self, entry: Any) -> dict[str, Any]:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            entry = self.get_entry(kwargs["pk"])
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        context[self.entry_name] = entry
        context.update(
            self.entry_context(entry), can_write=can(self.request.user, Capability.REGISTERS_WRITE)
        )
        return context


def with_links(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related(
        "sites",
        Prefetch("clauses", queryset=Clause.objects.select_related("standard")),
        Prefetch("evidence", queryset=Evidence.objects.order_by("title")),
        Prefetch("findings", queryset=Finding.objects.order_by("reference")),
    )


class RegisterDetailView(RegisterEntryView):
    """An entry of ``queryset()`` with its links, and the history of ``history_fields`` as stored."""

    queryset: Callable[[], QuerySet] = staticmethod(lambda: QuerySet())  # type: ignore[assignment]
    history_fields: list[str] = []

    def get_entry(self, pk: int) -> Any:
        return with_links(self.queryset()).get(pk=pk)

    def entry_context(self, entry: Any) -> dict[str, Any]:
        return {"history": entry_history(entry=entry, fields=self.history_fields, as_stored=True)}


class RegisterFormView(CapabilityRequiredMixin, FormView):
    """A register's form: ``save(form)`` calls the service and answers; a refusal is shown on the
    form, an edit made on an older version on top (the version is a hidden field)."""

    capability = Capability.REGISTERS_WRITE
    http_method_names = ["get", "post", "head", "options"]

    def save(self, form) -> HttpResponse:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            return self.save(form)
        except EditConflict as exc:
            form.add_error(None, exc.message)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        return self.form_invalid(form)


class VersionedEntryFormView(RegisterFormView):
    """Create an entry of ``model``, or edit one (``pk`` in the address) from the version it was
    opened at: ``create(by, **fields, **links)`` and ``update(<entry_name>=, by, version, ...)``."""

    model: type[Model]
    entry_name = "entry"
    detail_url_name = ""
    links = ("standards", "sites", "clauses")
    create: Callable[..., Any] = staticmethod(lambda **kw: None)
    update: Callable[..., Any] = staticmethod(lambda **kw: None)

    @cached_property
    def entry(self) -> Any:
        pk = self.kwargs.get("pk")
        return None if pk is None else get_object_or_404(self.model, pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.entry}

    def get_initial(self):
        return {} if self.entry else {"owner": self.request.user}

    def save(self, form) -> HttpResponse:
        data: dict[str, Any] = dict(form.cleaned_data)
        version = data.pop("version", None)
        links = {name: data.pop(name) for name in self.links}
        if self.entry is None:
            entry = self.create(by=self.request.user, **data, **links)
        else:
            entry = self.update(
                **{self.entry_name: self.entry},
                by=self.request.user,
                version=version or self.entry.version,
                **data,
                **links,
            )
        messages.success(self.request, _("%(reference)s saved.") % {"reference": entry.reference})
        return redirect(self.detail_url_name, pk=entry.pk)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), self.entry_name: self.entry}


def blank_as_empty(cleaned: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The form's values with the optional text fields left empty as "" rather than None."""
    data = dict(cleaned)
    for name in names:
        data[name] = data.get(name) or ""
    return data


def initial_of(entry: Any, fields: Iterable[str]) -> dict[str, Any]:
    """An edit form's initial values: the entry's fields, its version, its sites and clauses."""
    initial = {name: getattr(entry, name) for name in fields}
    initial.update(version=entry.version, sites=list(entry.sites.all()), clauses=list(entry.clauses.all()))
    return initial


class UploadLimitMixin:
    """Refuse a request body over ``upload_limit()`` bytes before the upload is read: the form is
    shown again with the reason and the refusal's status."""

    def upload_limit(self) -> int:
        return settings.IMPORT_MAX_BYTES

    def post(self, request, *args, **kwargs):
        try:
            refuse_oversized_body(request, limit=self.upload_limit(), error=FileTooLarge)
        except FileTooLarge as exc:
            form = form_refused(self.get_form_class(), exc.message)  # type: ignore[attr-defined]
            return self.render_to_response(  # type: ignore[attr-defined]
                self.get_context_data(form=form),  # type: ignore[attr-defined]
                status=exc.status_code,
            )
        return super().post(request, *args, **kwargs)  # type: ignore[misc]
