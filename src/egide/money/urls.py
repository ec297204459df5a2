from django.urls import path

from egide.money import views

urlpatterns = [
    path("programmes/<int:pk>/money/", views.programme_money, name="programme-money"),
    path("programmes/<int:pk>/money/budgets/new/", views.budget_create, name="budget-create"),
    path("programmes/<int:pk>/money/budgets/<int:budget>/edit/", views.budget_edit, name="budget-edit"),
    path("programmes/<int:pk>/money/budgets/<int:budget>/delete/", views.budget_delete, name="budget-delete"),
    path("programmes/<int:pk>/money/transactions/new/", views.transaction_create, name="transaction-create"),
    path(
        "programmes/<int:pk>/money/transactions/<int:transaction>/edit/",
        views.transaction_edit,
        name="transaction-edit",
    ),
    path(
        "programmes/<int:pk>/money/transactions/<int:transaction>/delete/",
        views.transaction_delete,
        name="transaction-delete",
    ),
    path("money/rates/", views.rate_list, name="rate-list"),
    path("money/rates/new/", views.rate_create, name="rate-create"),
    path("money/rates/upload/", views.rates_upload, name="rates-upload"),
    path("money/rates/<int:pk>/edit/", views.rate_edit, name="rate-edit"),
    path("money/rates/<int:pk>/delete/", views.rate_delete, name="rate-delete"),
    path("countries/<str:code>/money/export/", views.money_export, name="money-export"),
    path("countries/<str:code>/money/import/", views.money_import, name="money-import"),
]
