from django.urls import path

from steward.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("no-access/", views.no_access, name="no-access"),
    path("account/", views.account, name="account"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
]
