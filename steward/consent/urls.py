from django.urls import path

from steward.consent import views

app_name = "consent"

urlpatterns = [
    path("notices/", views.notice_list, name="notices"),
    path("notices/new/", views.notice_publish, name="notice-publish"),
    path("notices/<int:version>/", views.notice_detail, name="notice"),
    path("campaigns/<uuid:campaign_id>/", views.campaign_detail, name="campaign"),
    path("policy/", views.policy_list, name="policies"),
    path("policy/<slug:code>/", views.policy_edit, name="policy-edit"),
    path("messages/", views.message_list, name="messages"),
    path("patients/<uuid:patient_id>/", views.patient_consents, name="patient"),
    path("patients/<uuid:patient_id>/choice/", views.patient_choice, name="patient-choice"),
    path(
        "patients/<uuid:patient_id>/acknowledgment/",
        views.patient_acknowledgment,
        name="patient-acknowledgment",
    ),
    path("patients/<uuid:patient_id>/reminder/", views.patient_reminder, name="patient-reminder"),
    path("public/<uuid:tenant_id>/", views.public_notice, name="public-notice"),
    path(
        "public/<uuid:tenant_id>/v<int:version>/",
        views.public_notice,
        name="public-notice-version",
    ),
]
