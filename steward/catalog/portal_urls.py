from django.urls import path

from steward.catalog import views

app_name = "patient-services"

urlpatterns = [path("", views.portal_services, name="home")]
