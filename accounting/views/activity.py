"""Activity data pages: refrigerant refills, fuel deliveries, green certificates and scope 3 activity,
each with its latest rows, a form and a CSV/Excel import."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounting.forms.activity import ACTIVITY_FORMS, ActivityImportForm, activity_import_rows
from accounting.selectors.activity import activity_list
from accounting.services import activity
from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability, can
from greenfactory.core.exceptions import DomainError, PayloadTooLarge
from greenfactory.core.forms import form_add_domain_error
from greenfactory.core.tabular import read_table


class ActivityView(CapabilityRequiredMixin, TemplateView):
    """Activity data of one kind: the latest rows, a form to add one, and a CSV/Excel import."""

    capability = Capability.KPIS_READ
    write_capability = Capability.ACTIVITY_WRITE
    template_name = "accounting/activity/list.html"
    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if kwargs["kind"] not in ACTIVITY_FORMS:
            raise Http404(_("No such kind of activity data."))
        self.form_class, self.title = ACTIVITY_FORMS[kwargs["kind"]]
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form, upload, errors = None, None, []
        if "file" in request.FILES:
            upload = ActivityImportForm(request.POST, request.FILES)
            if upload.is_valid():
                data = upload.cleaned_data["file"]
                try:
                    if data.size > settings.IMPORT_MAX_BYTES:
                        raise PayloadTooLarge(
                            _("The file is larger than the limit of %(limit)s bytes.")
                            % {"limit": settings.IMPORT_MAX_BYTES}
                        )
                    rows = activity_import_rows(form_class=self.form_class, rows=read_table(data.read()).rows)
                    count = activity.activity_import(rows=rows, by=request.user)
                except activity.ActivityImportInvalid as exc:
                    form_add_domain_error(upload, exc, field="file")
                    errors = exc.errors
                except DomainError as exc:
                    form_add_domain_error(upload, exc, field="file")
                else:
                    messages.success(
                        request, _("%(count)s rows imported; the KPIs are being updated.") % {"count": count}
                    )
                    return redirect(request.path)
        else:
            form = self.form_class(request.POST)
            if form.is_valid():
                data = dict(form.cleaned_data)
                try:
                    site = data.pop("site")
                    values = activity.activity_values(model=self.form_class._meta.model, data=data)
                    activity.activity_create(site=site, values=values, by=request.user)
                except DomainError as exc:
                    form_add_domain_error(form, exc)
                else:
                    messages.success(request, _("Recorded; the KPIs of its month are being updated."))
                    return redirect(request.path)
        context = self.get_context_data(form=form, upload=upload, import_errors=errors, **kwargs)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = self.form_class._meta.model
        can_write = can(self.request.user, Capability.ACTIVITY_WRITE)
        context.update(
            title=self.title,
            kinds=[(key, label) for key, (_form, label) in ACTIVITY_FORMS.items()],
            kind=kwargs["kind"],
            fields=[f for f in self.form_class._meta.fields if f != "note"],
            rows=activity_list(model=model)[:100],
            can_write=can_write,
            form=(kwargs.get("form") or self.form_class()) if can_write else None,
            upload=(kwargs.get("upload") or ActivityImportForm()) if can_write else None,
            import_errors=kwargs.get("import_errors", []),
        )
        return context
