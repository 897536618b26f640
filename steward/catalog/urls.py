from django.urls import path

from steward.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalogue_home, name="home"),
    path("v<int:version>/", views.version_detail, name="version"),
    path("draft/", views.draft_detail, name="draft"),
    path("draft/start/", views.draft_start, name="draft-start"),
    path("draft/discard/", views.draft_discard, name="draft-discard"),
    path("draft/services/new/", views.service_edit, name="service-new"),
    path("draft/services/<int:service_id>/", views.service_edit, name="service-edit"),
    path("draft/services/<int:service_id>/delete/", views.service_delete, name="service-delete"),
    path("public/<uuid:tenant_id>/", views.public_catalogue, name="public"),
    path("public/<uuid:tenant_id>/v<int:version>/", views.public_catalogue, name="public-version"),
]
