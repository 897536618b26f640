from django.urls import path

from steward.vault import views

app_name = "vault"

urlpatterns = [
    path("", views.records, name="records"),
    path("disposals/<uuid:request_id>/decide/", views.decide, name="decide"),
]
