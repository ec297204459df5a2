from django.urls import path

from egide.coordination import dashboard_views

app_name = "coordination"

urlpatterns = [
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
]
