from django.urls import path

from . import views

app_name = "money"

urlpatterns = [
    path("money/", views.OverviewView.as_view(), name="overview"),
    path("money/settings/", views.SettingsView.as_view(), name="settings"),
    path("money/budget/", views.BudgetView.as_view(), name="budget"),
    path("money/provision-map/", views.ProvisionMapView.as_view(), name="provision_map"),
    path("money/what-works/", views.WhatWorksView.as_view(), name="what_works"),
    path("pupils/<int:pupil_id>/top-up/new/", views.TopUpDraftView.as_view(), name="draft"),
    path("money/top-ups/<int:request_id>/", views.TopUpView.as_view(), name="top_up"),
    path("money/top-ups/<int:request_id>/pdf/", views.TopUpPdfView.as_view(), name="top_up_pdf"),
    path("money/top-ups/<int:request_id>/<slug:step>/", views.TopUpActionView.as_view(),
         name="top_up_step"),
]
