from django.urls import path

from . import views

app_name = "pupils"

urlpatterns = [
    path("pupils/new/", views.PupilCreateView.as_view(), name="pupil_new"),
    path("pupils/<int:pupil_id>/edit/", views.PupilEditView.as_view(), name="pupil_edit"),
    path("pupils/<int:pupil_id>/sen-status/", views.SenStatusChangeView.as_view(),
         name="sen_status"),
]
