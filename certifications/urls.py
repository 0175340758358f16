"""Pages under /standards/ (library, coverage, certificates) and /evidence/ (register, notifications)."""

from django.urls import path

from .views import certificates, coverage, evidence, reminders, standards

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
