"""Pages under /standards/ (library, coverage, certificates), /evidence/ (register, notifications) and
/audits/ (dashboard, programme, audits, findings and corrective actions), /registers/ (the
management-system registers), /green-factory/ (the green-factory self-evaluation),
/green-factory/material-balance/ (the battery-recycling material balance) and /dossiers/ (audit
dossiers)."""

from django.urls import path

from .views import (
    aspects,
    audits,
    certificates,
    coverage,
    dossier_shares,
    dossiers,
    evidence,
    evidence_requests,
    findings,
    green_factory,
    green_factory_annual,
    green_factory_schemes,
    hazards,
    incidents,
    invitations,
    material_balance,
    objectives,
    obligations,
    obligations_import,
    permits,
    portal,
    registers,
    reminders,
    risks,
    standards,
)

standards_urlpatterns = [
    path("", standards.StandardListView.as_view(), name="standard-list"),
    path("import/", standards.StandardImportView.as_view(), name="standard-import"),
    path("<int:pk>/", standards.StandardDetailView.as_view(), name="standard-detail"),
    path("coverage/", coverage.CoverageView.as_view(), name="coverage"),
    path("coverage/not-applicable/", coverage.ClauseExcludeView.as_view(), name="clause-exclude"),
    path(
        "coverage/not-applicable/<int:pk>/delete/",
        coverage.ClauseExclusionDeleteView.as_view(),
        name="clause-exclusion-delete",
    ),
    path("certificates/", certificates.CertificateListView.as_view(), name="certificate-list"),
    path("certificates/new/", certificates.CertificateCreateView.as_view(), name="certificate-create"),
    path("certificates/<int:pk>/", certificates.CertificateDetailView.as_view(), name="certificate-detail"),
    path(
        "certificates/<int:pk>/edit/", certificates.CertificateUpdateView.as_view(), name="certificate-update"
    ),
    path(
        "certificates/<int:pk>/status/",
        certificates.CertificateStatusView.as_view(),
        name="certificate-status",
    ),
    path(
        "certificates/surveillance/<int:pk>/done/",
        certificates.SurveillanceDoneView.as_view(),
        name="surveillance-done",
    ),
]

evidence_urlpatterns = [
    path("", evidence.EvidenceListView.as_view(), name="evidence-list"),
    path("new/", evidence.EvidenceCreateView.as_view(), name="evidence-create"),
    path("<int:pk>/", evidence.EvidenceDetailView.as_view(), name="evidence-detail"),
    path("<int:pk>/edit/", evidence.EvidenceUpdateView.as_view(), name="evidence-update"),
    path("<int:pk>/upload/", evidence.EvidenceUploadView.as_view(), name="evidence-upload"),
    path("<int:pk>/status/", evidence.EvidenceTransitionView.as_view(), name="evidence-transition"),
    path("<int:pk>/link/", evidence.EvidenceLinkView.as_view(), name="evidence-link"),
    path("<int:pk>/unlink/<int:clause_id>/", evidence.EvidenceUnlinkView.as_view(), name="evidence-unlink"),
    path("files/<int:pk>/", evidence.EvidenceDownloadView.as_view(), name="evidence-download"),
    path("notifications/", reminders.NotificationListView.as_view(), name="notification-list"),
    path("notifications/<int:pk>/read/", reminders.NotificationReadView.as_view(), name="notification-read"),
]

audits_urlpatterns = [
    path("", audits.AuditDashboardView.as_view(), name="area-audits"),
    path("programme/", audits.ProgrammeView.as_view(), name="audit-programme"),
    path(
        "programme/objectives/", audits.ProgrammeObjectivesView.as_view(), name="audit-programme-objectives"
    ),
    path("list/", audits.AuditListView.as_view(), name="audit-list"),
    path("new/", audits.AuditCreateView.as_view(), name="audit-create"),
    path("<int:pk>/", audits.AuditDetailView.as_view(), name="audit-detail"),
    path("<int:pk>/edit/", audits.AuditUpdateView.as_view(), name="audit-update"),
    path("<int:pk>/status/", audits.AuditTransitionView.as_view(), name="audit-transition"),
    path("<int:pk>/checklist/", audits.ChecklistGenerateView.as_view(), name="audit-checklist-generate"),
    path("<int:pk>/sessions/", audits.SessionAddView.as_view(), name="audit-session-add"),
    path("sessions/<int:pk>/delete/", audits.SessionDeleteView.as_view(), name="audit-session-delete"),
    path("<int:pk>/meetings/", audits.MeetingsView.as_view(), name="audit-meetings"),
    path("items/<int:pk>/", audits.ChecklistItemUpdateView.as_view(), name="checklist-item-update"),
    path("<int:pk>/report/", audits.ReportUpdateView.as_view(), name="audit-report"),
    path("<int:pk>/report/sign-off/", audits.ReportSignOffView.as_view(), name="audit-report-sign-off"),
    path("<int:pk>/findings/new/", findings.FindingCreateView.as_view(), name="finding-create"),
    path("findings/", findings.FindingListView.as_view(), name="finding-list"),
    path("findings/<int:pk>/", findings.FindingDetailView.as_view(), name="finding-detail"),
    path("findings/<int:pk>/close/", findings.FindingCloseView.as_view(), name="finding-close"),
    path("findings/<int:pk>/capa/", findings.CapaStepView.as_view(), name="capa-step"),
    path("actions/<int:pk>/done/", findings.CapaActionDoneView.as_view(), name="capa-action-done"),
    path("actions/<int:pk>/delete/", findings.CapaActionDeleteView.as_view(), name="capa-action-delete"),
    # Auditor portal, staff side: invitations and the access log
    path("<int:pk>/invite/", invitations.InvitationCreateView.as_view(), name="audit-invite"),
    path(
        "invitations/<int:pk>/revoke/",
        invitations.InvitationRevokeView.as_view(),
        name="audit-invitation-revoke",
    ),
    path("<int:pk>/access-log/", invitations.AuditAccessLogView.as_view(), name="audit-access-log"),
    path(
        "auditors/<int:pk>/access-log/", invitations.AuditorAccessLogView.as_view(), name="auditor-access-log"
    ),
    # Evidence requests from invited auditors: an audit's PBC list, answering and declining
    path(
        "<int:pk>/requests/",
        evidence_requests.AuditEvidenceRequestListView.as_view(),
        name="audit-evidence-requests",
    ),
    path(
        "requests/<int:pk>/",
        evidence_requests.EvidenceRequestDetailView.as_view(),
        name="evidence-request-detail",
    ),
    path(
        "requests/<int:pk>/answer/",
        evidence_requests.EvidenceRequestAnswerView.as_view(),
        name="evidence-request-answer",
    ),
    path(
        "requests/<int:pk>/decline/",
        evidence_requests.EvidenceRequestDeclineView.as_view(),
        name="evidence-request-decline",
    ),
]

registers_urlpatterns = [
    path("", registers.RegisterOverviewView.as_view(), name="area-registers"),
    # --- aspects, hazards, incidents: /registers/aspects/, /registers/hazards/, /registers/incidents/ ---
    path("aspects/", aspects.AspectListView.as_view(), name="register-aspects"),
    path("aspects/new/", aspects.AspectCreateView.as_view(), name="register-aspect-create"),
    path("aspects/import/", aspects.AspectImportView.as_view(), name="register-aspect-import"),
    path("aspects/<int:pk>/", aspects.AspectDetailView.as_view(), name="register-aspect"),
    path("aspects/<int:pk>/edit/", aspects.AspectUpdateView.as_view(), name="register-aspect-update"),
    path("hazards/", hazards.HazardListView.as_view(), name="register-hazards"),
    path("hazards/new/", hazards.HazardCreateView.as_view(), name="register-hazard-create"),
    path("hazards/import/", hazards.HazardImportView.as_view(), name="register-hazard-import"),
    path("hazards/<int:pk>/", hazards.HazardDetailView.as_view(), name="register-hazard"),
    path("hazards/<int:pk>/edit/", hazards.HazardUpdateView.as_view(), name="register-hazard-update"),
    path("incidents/", incidents.IncidentListView.as_view(), name="register-incidents"),
    path("incidents/new/", incidents.IncidentCreateView.as_view(), name="register-incident-create"),
    path("incidents/import/", incidents.IncidentImportView.as_view(), name="register-incident-import"),
    path("incidents/<int:pk>/", incidents.IncidentDetailView.as_view(), name="register-incident"),
    path("incidents/<int:pk>/edit/", incidents.IncidentUpdateView.as_view(), name="register-incident-update"),
    path(
        "incidents/<int:pk>/status/",
        incidents.IncidentTransitionView.as_view(),
        name="register-incident-transition",
    ),
    # --- end aspects, hazards, incidents ---
    # Risks and opportunities, objectives: /registers/risks/..., /registers/objectives/...
    path("risks/", risks.RiskListView.as_view(), name="risk-list"),
    path("risks/new/", risks.RiskFormView.as_view(), name="risk-create"),
    path("risks/import/", risks.RiskImportView.as_view(), name="risk-import"),
    path("risks/<int:pk>/", risks.RiskDetailView.as_view(), name="risk-detail"),
    path("risks/<int:pk>/edit/", risks.RiskFormView.as_view(), name="risk-update"),
    path("risks/<int:pk>/actions/", risks.RiskActionAddView.as_view(), name="risk-action-add"),
    path("risks/actions/<int:pk>/", risks.RiskActionUpdateView.as_view(), name="risk-action-update"),
    path("risks/actions/<int:pk>/delete/", risks.RiskActionDeleteView.as_view(), name="risk-action-delete"),
    path("objectives/", objectives.ObjectiveListView.as_view(), name="objective-list"),
    path("objectives/new/", objectives.ObjectiveFormView.as_view(), name="objective-create"),
    path("objectives/import/", objectives.ObjectiveImportView.as_view(), name="objective-import"),
    path("objectives/<int:pk>/", objectives.ObjectiveDetailView.as_view(), name="objective-detail"),
    path("objectives/<int:pk>/edit/", objectives.ObjectiveFormView.as_view(), name="objective-update"),
    path(
        "objectives/<int:pk>/progress/", objectives.ProgressAddView.as_view(), name="objective-progress-add"
    ),
    path(
        "objectives/progress/<int:pk>/delete/",
        objectives.ProgressDeleteView.as_view(),
        name="objective-progress-delete",
    ),
    # Registers: compliance obligations and their evaluations, permits and licences
    path("obligations/", obligations.ObligationListView.as_view(), name="obligation-list"),
    path("obligations/new/", obligations.ObligationCreateView.as_view(), name="obligation-create"),
    path("obligations/import/", obligations_import.ObligationImportView.as_view(), name="obligation-import"),
    path(
        "obligations/import/template/",
        obligations_import.ObligationImportTemplateView.as_view(),
        name="obligation-import-template",
    ),
    path("obligations/<int:pk>/", obligations.ObligationDetailView.as_view(), name="obligation-detail"),
    path("obligations/<int:pk>/edit/", obligations.ObligationUpdateView.as_view(), name="obligation-update"),
    path(
        "obligations/<int:pk>/evaluate/",
        obligations.EvaluationCreateView.as_view(),
        name="obligation-evaluate",
    ),
    path("permits/", permits.PermitListView.as_view(), name="permit-list"),
    path("permits/new/", permits.PermitCreateView.as_view(), name="permit-create"),
    path("permits/<int:pk>/", permits.PermitDetailView.as_view(), name="permit-detail"),
    path("permits/<int:pk>/edit/", permits.PermitUpdateView.as_view(), name="permit-update"),
]

green_factory_urlpatterns = [
    # --- green-factory self-evaluation and schemes ---
    path("", green_factory.EvaluationListView.as_view(), name="area-green-factory"),
    path(
        "evaluations/new/", green_factory.EvaluationOpenView.as_view(), name="green-factory-evaluation-open"
    ),
    path(
        "evaluations/<int:pk>/", green_factory.EvaluationDetailView.as_view(), name="green-factory-evaluation"
    ),
    path(
        "evaluations/<int:pk>/annual-form/",
        green_factory_annual.AnnualFormView.as_view(),
        name="green-factory-annual-form",
    ),
    path(
        "evaluations/<int:pk>/refill/",
        green_factory.EvaluationRefillView.as_view(),
        name="green-factory-evaluation-refill",
    ),
    path(
        "evaluations/<int:pk>/indicators/<int:indicator>/",
        green_factory.IndicatorValueView.as_view(),
        name="green-factory-value",
    ),
    path(
        "evaluations/<int:pk>/gate/<int:item>/",
        green_factory.GateResultView.as_view(),
        name="green-factory-gate-result",
    ),
    path("schemes/", green_factory_schemes.SchemeListView.as_view(), name="green-factory-scheme-list"),
    path(
        "schemes/import/",
        green_factory_schemes.SchemeImportView.as_view(),
        name="green-factory-scheme-import",
    ),
    path("schemes/<int:pk>/", green_factory_schemes.SchemeDetailView.as_view(), name="green-factory-scheme"),
    # --- end green-factory self-evaluation and schemes ---
]

# Battery-recycling material balance: /green-factory/material-balance/...
material_balance_urlpatterns = [
    path("", material_balance.MaterialBalanceListView.as_view(), name="material-balance-list"),
    path("new/", material_balance.MaterialBalanceFormView.as_view(), name="material-balance-create"),
    path("import/", material_balance.MaterialBalanceImportView.as_view(), name="material-balance-import"),
    path(
        "import/template/",
        material_balance.MaterialBalanceTemplateView.as_view(),
        name="material-balance-import-template",
    ),
    path("<int:pk>/", material_balance.MaterialBalanceDetailView.as_view(), name="material-balance-detail"),
    path(
        "<int:pk>/edit/", material_balance.MaterialBalanceFormView.as_view(), name="material-balance-update"
    ),
]

# The auditor portal: /portal/<invitation>/... (the portal's home, /portal/, is in greenfactory.web)
portal_urlpatterns = [
    path("<int:pk>/", portal.PortalAuditView.as_view(), name="portal-audit"),
    path("<int:pk>/coverage/", portal.PortalCoverageView.as_view(), name="portal-coverage"),
    path("<int:pk>/evidence/", portal.PortalEvidenceView.as_view(), name="portal-evidence"),
    path("<int:pk>/files/<int:item>/", portal.PortalFileView.as_view(), name="portal-file"),
    path(
        "<int:pk>/files/<int:item>/preview/",
        portal.PortalFileView.as_view(inline=True),
        name="portal-file-preview",
    ),
    path("<int:pk>/findings/<int:item>/", portal.PortalFindingView.as_view(), name="portal-finding"),
    path("<int:pk>/dossiers/<int:item>/", dossier_shares.PortalDossierView.as_view(), name="portal-dossier"),
    path(
        "<int:pk>/requests/", evidence_requests.PortalEvidenceRequestsView.as_view(), name="portal-requests"
    ),
    path(
        "<int:pk>/requests/<int:item>/",
        evidence_requests.PortalEvidenceRequestView.as_view(),
        name="portal-request",
    ),
]

dossiers_urlpatterns = [
    path("", dossiers.DossierListView.as_view(), name="area-dossiers"),
    path("new/", dossiers.DossierRequestView.as_view(), name="dossier-request"),
    path("verify/", dossiers.DossierVerifyView.as_view(), name="dossier-verify"),
    path("audit/<int:pk>/", dossiers.AuditDossierRequestView.as_view(), name="dossier-request-audit"),
    path(
        "green-factory/<int:pk>/",
        dossiers.EvaluationDossierRequestView.as_view(),
        name="dossier-request-evaluation",
    ),
    path("<int:pk>/", dossiers.DossierDetailView.as_view(), name="dossier-detail"),
    path("<int:pk>/progress/", dossiers.DossierProgressView.as_view(), name="dossier-progress"),
    path("<int:pk>/again/", dossiers.DossierRerequestView.as_view(), name="dossier-rerequest"),
    path("<int:pk>/download/", dossiers.DossierDownloadView.as_view(), name="dossier-download"),
    path("<int:pk>/share/", dossier_shares.DossierShareView.as_view(), name="dossier-share"),
    path(
        "<int:pk>/shares/<int:item>/revoke/",
        dossier_shares.DossierShareRevokeView.as_view(),
        name="dossier-share-revoke",
    ),
]
