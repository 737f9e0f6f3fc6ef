from django.urls import path

from apps.audit.views import PupilAuditView

from . import views

app_name = "pupils"

urlpatterns = [
    path("", views.SchoolHomeView.as_view(), name="school_home"),
    path("pupils/", views.RegisterView.as_view(), name="register"),
    path("pupils/new/", views.PupilCreateView.as_view(), name="pupil_new"),
    path("pupils/<int:pupil_id>/", views.PupilView.as_view(), name="pupil"),
    path("pupils/<int:pupil_id>/edit/", views.PupilEditView.as_view(), name="pupil_edit"),
    path("pupils/<int:pupil_id>/audit/", PupilAuditView.as_view(), name="audit"),
    path(
        "pupils/<int:pupil_id>/sen-status/",
        views.SenStatusChangeView.as_view(),
        name="sen_status",
    ),
]
