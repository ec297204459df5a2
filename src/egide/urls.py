from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from egide.api.assembly import api

urlpatterns = [
    path("", include("egide.actors.urls")),
    path("", include("egide.accounts.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
