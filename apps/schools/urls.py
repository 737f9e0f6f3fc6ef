from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("settings/", views.SchoolSettingsView.as_view(), name="settings"),
    path("settings/term-dates/", views.TermDatesView.as_view(), name="term_dates"),
]
