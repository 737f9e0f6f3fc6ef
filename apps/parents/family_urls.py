"""The parent portal: /parent/ lists every child across schools; each child's pages sit
under their school, like every other page."""

from django.urls import path

from . import views

app_name = "family"

urlpatterns = [
    path("parent/", views.portal, name="portal"),
    path("s/<slug:school>/family/<int:pupil_id>/", views.ChildView.as_view(), name="child"),
    path("s/<slug:school>/family/<int:pupil_id>/plans/<int:snapshot_id>/",
         views.SharedPlanView.as_view(), name="plan"),
    path("s/<slug:school>/family/<int:pupil_id>/plans/<int:snapshot_id>/pdf/",
         views.SharedPlanPdfView.as_view(), name="plan_pdf"),
    path("s/<slug:school>/family/<int:pupil_id>/profiles/<int:shared_id>/",
         views.SharedProfileView.as_view(), name="profile"),
    path("s/<slug:school>/family/<int:pupil_id>/profiles/<int:shared_id>/pdf/",
         views.SharedProfilePdfView.as_view(), name="profile_pdf"),
    path("s/<slug:school>/family/<int:pupil_id>/meetings/<int:meeting_id>/ics/",
         views.MeetingIcsView.as_view(), name="meeting_ics"),
]
