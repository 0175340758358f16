"""The annual dynamic-management form of an evaluation's year: one page, one workbook."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View

from greenfactory.accounts.permissions import CapabilityRequiredMixin
from greenfactory.accounts.roles import Capability
from greenfactory.core.exports import Sheet, workbook_response

from ..models import Evaluation
from ..selectors.green_factory_annual import AnnualForm, annual_form


def _cell(value: Decimal | str | None) -> Decimal | str | None:
    return value.normalize() if isinstance(value, Decimal) else value


def _sheet(form: AnnualForm) -> Sheet:
    evaluation = form.evaluation
    rows: list[list] = [
        [_("Site"), evaluation.site.code, evaluation.site.name, "", ""],
        [_("Year"), evaluation.year, "", "", ""],
        [_("Scheme"), evaluation.scheme.code, "", "", ""],
        [_("Days with data"), form.days_with_data, _("of %(days)s") % {"days": form.days}, "", ""],
    ]
    for section in form.sections:
        rows.extend(
            [section.title, row.code, row.label, _cell(row.value), row.unit, row.source]
            for row in section.rows
        )
    header = [_("Section"), _("Code"), _("Figure"), _("Value"), _("Unit"), _("Where it comes from")]
    # The first rows are the form's heading: as wide as the table, in the same columns.
    heading = [[*r[:3], "", "", ""] for r in rows[:4]]
    return Sheet(_("Annual form"), header, [*heading, *rows[4:]], text_columns=frozenset({1}))


class AnnualFormView(CapabilityRequiredMixin, View):
    """The year's figures the annual filing asks for; ``?export=xlsx`` downloads them."""

    capability = Capability.GREEN_FACTORY_READ
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        evaluation = get_object_or_404(Evaluation.objects.select_related("site", "scheme"), pk=kwargs["pk"])
        form = annual_form(evaluation=evaluation, today=timezone.localdate())
        if request.GET.get("export") == "xlsx":
            filename = f"annual-form-{evaluation.site.code}-{evaluation.year}"
            return workbook_response(filename=filename, sheets=[_sheet(form)])
        return render(
            request,
            "certifications/green_factory/annual_form.html",
            {"tab": "evaluations", "evaluation": evaluation, "form": form},
        )
