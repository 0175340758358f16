"""Pages of the accounting app, under /kpis/: the dashboard, activity data, the GHG inventory,
product footprints and ISO 50001 baselines and targets; under /energy/: the energy flow and the functions list."""

from django.urls import include, path

from accounting.views import (
    activity,
    baselines,
    benchmarks,
    budgets,
    energy,
    footprints,
    inventory,
    kpis,
    load_profiles,
    neutrality,
)

baseline_patterns = [
    path("", baselines.BaselineListView.as_view(), name="baseline-list"),
    path("new/", baselines.BaselineCreateView.as_view(), name="baseline-create"),
    path("degree-days/", baselines.DriverValuesView.as_view(), name="baseline-degree-days"),
    path("targets/", baselines.SiteTargetCreateView.as_view(), name="baseline-site-target-create"),
    path("targets/<int:pk>/delete/", baselines.TargetDeleteView.as_view(), name="baseline-target-delete"),
    path("<int:pk>/", baselines.BaselineDetailView.as_view(), name="baseline-detail"),
    path("<int:pk>/refit/", baselines.BaselineRefitView.as_view(), name="baseline-refit"),
    path("<int:pk>/delete/", baselines.BaselineDeleteView.as_view(), name="baseline-delete"),
    path(
        "<int:pk>/adjustments/", baselines.AdjustmentCreateView.as_view(), name="baseline-adjustment-create"
    ),
    path("<int:pk>/targets/", baselines.BaselineTargetCreateView.as_view(), name="baseline-target-create"),
]

footprint_patterns = [
    path("", footprints.FootprintListView.as_view(), name="footprint-list"),
    path("new/", footprints.FootprintCreateView.as_view(), name="footprint-create"),
    path("<int:pk>/", footprints.FootprintDetailView.as_view(), name="footprint-detail"),
    path("<int:pk>/edit/", footprints.FootprintEditView.as_view(), name="footprint-edit"),
    path("<int:pk>/delete/", footprints.FootprintDeleteView.as_view(), name="footprint-delete"),
    path("<int:pk>/issue/", footprints.FootprintIssueView.as_view(), name="footprint-issue"),
    path("<int:pk>/reopen/", footprints.FootprintReopenView.as_view(), name="footprint-reopen"),
    path("<int:pk>/items/new/", footprints.FootprintItemView.as_view(), name="footprint-item-create"),
    path("<int:pk>/items/<int:item>/", footprints.FootprintItemView.as_view(), name="footprint-item-edit"),
    path(
        "<int:pk>/items/<int:item>/delete/",
        footprints.FootprintItemDeleteView.as_view(),
        name="footprint-item-delete",
    ),
    path(
        "<int:pk>/coproducts/", footprints.FootprintCoProductView.as_view(), name="footprint-coproduct-save"
    ),
    path(
        "<int:pk>/coproducts/<int:coproduct>/delete/",
        footprints.FootprintCoProductDeleteView.as_view(),
        name="footprint-coproduct-delete",
    ),
]

neutrality_patterns = [
    path("", neutrality.ProgrammeListView.as_view(), name="neutrality-list"),
    path("new/", neutrality.ProgrammeCreateView.as_view(), name="neutrality-create"),
    path("<int:pk>/", neutrality.ProgrammeDetailView.as_view(), name="neutrality-detail"),
    path("<int:pk>/edit/", neutrality.ProgrammeEditView.as_view(), name="neutrality-edit"),
    path("<int:pk>/targets/", neutrality.TargetCreateView.as_view(), name="neutrality-target-create"),
    path("<int:pk>/actions/", neutrality.ActionCreateView.as_view(), name="neutrality-action-create"),
    path("<int:pk>/periods/", neutrality.PeriodCreateView.as_view(), name="neutrality-period-create"),
    path("<int:pk>/credits/", neutrality.CreditCreateView.as_view(), name="neutrality-credit-create"),
    path("<int:pk>/claims/", neutrality.ClaimCreateView.as_view(), name="neutrality-claim-create"),
    path(
        "targets/<int:pk>/milestones/", neutrality.MilestoneAddView.as_view(), name="neutrality-milestone-add"
    ),
    path(
        "claims/<int:pk>/requirements/",
        neutrality.RequirementAddView.as_view(),
        name="neutrality-requirement-add",
    ),
    path("claims/<int:pk>/make/", neutrality.ClaimMakeView.as_view(), name="neutrality-claim-make"),
    path(
        "claims/<int:pk>/withdraw/", neutrality.ClaimWithdrawView.as_view(), name="neutrality-claim-withdraw"
    ),
    path("claims/<int:pk>/statement/", neutrality.StatementView.as_view(), name="neutrality-statement"),
    path(
        "requirements/<int:pk>/evidence/",
        neutrality.RequirementEvidenceView.as_view(),
        name="neutrality-requirement-evidence",
    ),
]

kpi_patterns = [
    path("", kpis.KpiDashboardView.as_view(), name="kpi-dashboard"),
    path("inventory/", inventory.InventoryView.as_view(), name="ghg-inventory"),
    path("inventory/settings/", inventory.InventorySettingsView.as_view(), name="ghg-inventory-settings"),
    path("baselines/", include(baseline_patterns)),
    path("footprints/", include(footprint_patterns)),
    path("neutrality/", include(neutrality_patterns)),
    path("activity/<slug:kind>/", activity.ActivityView.as_view(), name="kpi-activity"),
]

energy_patterns = [
    path("flow/", energy.EnergyFlowView.as_view(), name="energy-flow"),
    path("functions/", energy.EnergyFunctionsView.as_view(), name="energy-functions"),
    # Load profiles and advice
    path("load-profile/", load_profiles.LoadProfileView.as_view(), name="energy-load-profile"),
    # Benchmarking
    path("benchmarks/", benchmarks.BenchmarkView.as_view(), name="energy-benchmarks"),
    path(
        "benchmarks/references/", benchmarks.ReferenceLevelCreateView.as_view(), name="reference-level-create"
    ),
    path(
        "benchmarks/references/<int:pk>/delete/",
        benchmarks.ReferenceLevelDeleteView.as_view(),
        name="reference-level-delete",
    ),
    # Energy and carbon budgets
    path("budgets/", budgets.BudgetListView.as_view(), name="budget-list"),
    path("budgets/new/", budgets.BudgetCreateView.as_view(), name="budget-create"),
    path("budgets/<int:pk>/", budgets.BudgetDetailView.as_view(), name="budget-detail"),
    path("budgets/<int:pk>/edit/", budgets.BudgetEditView.as_view(), name="budget-edit"),
    path("budgets/<int:pk>/delete/", budgets.BudgetDeleteView.as_view(), name="budget-delete"),
]

urlpatterns = [path("kpis/", include(kpi_patterns)), path("energy/", include(energy_patterns))]
