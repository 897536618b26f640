from django.urls import path

from steward.access import disclosures, views

app_name = "access"

urlpatterns = [
    path("", views.patient_search, name="search"),
    path("new/", views.patient_create, name="create"),
    path("<uuid:patient_id>/", views.patient_detail, name="patient"),
    path("<uuid:patient_id>/edit/", views.patient_edit, name="edit"),
    path("<uuid:patient_id>/export/", views.patient_export, name="export"),
    path("<uuid:patient_id>/break-glass/", views.break_glass, name="break-glass"),
    path("<uuid:patient_id>/disclosures/", disclosures.patient_disclosures, name="disclosures"),
    path("emergency-reviews/", views.reviews, name="reviews"),
    path("emergency-reviews/<uuid:review_id>/", views.review_detail, name="review"),
    path("purposes/", views.purposes, name="purposes"),
]
