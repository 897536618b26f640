from django.urls import path

from steward.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("disclosures/", views.disclosure_list, name="disclosures"),
    path("<uuid:event_id>/", views.event_detail, name="event-detail"),
    path("<uuid:event_id>/bundle/", views.event_bundle, name="event-bundle"),
]
