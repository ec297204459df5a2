from django.urls import path

from egide.reports import views

urlpatterns = [
    path("countries/<str:code>/briefs/", views.country_briefs_page, name="country-briefs"),
    path("briefs/<int:pk>/", views.brief_page, name="brief-detail"),
    path("briefs/<int:pk>/status/", views.brief_status, name="brief-status"),
    path("briefs/<int:pk>/brief.pdf", views.brief_pdf_download, name="brief-pdf"),
    path("briefs/<int:pk>/brief.html", views.brief_html_download, name="brief-html"),
    path("organisations/<int:pk>/brief-style/", views.brief_style_page, name="brief-style"),
]
