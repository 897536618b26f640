from django.urls import path

from steward.tenancy import views

app_name = "tenancy"

urlpatterns = [
    path("switch/", views.switch_organization, name="switch"),
    path("members/", views.member_list, name="member-list"),
    path("members/invite/", views.member_invite, name="member-invite"),
    path("members/<uuid:membership_id>/", views.member_detail, name="member-detail"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/<uuid:team_id>/", views.team_detail, name="team-detail"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<uuid:agreement_id>/", views.agreement_detail, name="agreement-detail"),
    path(
        "agreements/<uuid:agreement_id>/document/",
        views.agreement_document,
        name="agreement-document",
    ),
    path("settings/", views.organization_settings, name="settings"),
]
