from django.urls import path

from egide.programmes import timeline_views

urlpatterns = [
    path("countries/<str:code>/timeline/", timeline_views.country_timeline_page, name="country-timeline"),
    path("countries/<str:code>/timeline.json", timeline_views.country_timeline_data, name="country-timeline-data"),
]
