from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("settings/", views.SchoolSettingsView.as_view(), name="settings"),
]
