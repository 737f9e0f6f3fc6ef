from django.urls import path

from . import views

app_name = "parents"

urlpatterns = [
    path("pupils/<int:pupil_id>/meetings/new/", views.MeetingView.as_view(), name="meeting"),
    path("cycles/<int:cycle_id>/share/", views.ShareView.as_view(), name="share"),
    path("pupils/<int:pupil_id>/profile/share/", views.ShareProfileView.as_view(),
         name="share_profile"),
]
