from django.urls import path

from egide.operations import views

urlpatterns = [path("metrics", views.metrics_view, name="metrics")]
