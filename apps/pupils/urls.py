from django.urls import path

from . import import_views, profile_views, views

app_name = "pupils"

urlpatterns = [
    path("pupils/new/", views.PupilCreateView.as_view(), name="pupil_new"),
    path("pupils/import/", import_views.ImportStartView.as_view(), name="import_start"),
    path("pupils/import/<int:import_id>/", import_views.ImportView.as_view(), name="import"),
    path("pupils/import/template.csv", import_views.ImportTemplateView.as_view(),
         name="import_template"),
    path("pupils/<int:pupil_id>/edit/", views.PupilEditView.as_view(), name="pupil_edit"),
    path("pupils/<int:pupil_id>/sen-status/", views.SenStatusChangeView.as_view(),
         name="sen_status"),
    path("pupils/<int:pupil_id>/sen-status/correct/", views.SenStatusCorrectView.as_view(),
         name="sen_status_correct"),
    path("pupils/<int:pupil_id>/left/", views.PupilLeaveView.as_view(), name="pupil_leave"),
    path("pupils/<int:pupil_id>/sen-status/notice/", views.NoticeGivenView.as_view(),
         name="notice_given"),
    path("pupils/<int:pupil_id>/parents/invite/", views.ParentInviteView.as_view(),
         name="parent_invite"),
    path("pupils/<int:pupil_id>/profile/", profile_views.ProfileView.as_view(), name="profile"),
    path("pupils/<int:pupil_id>/profile/edit/", profile_views.ProfileEditView.as_view(),
         name="profile_edit"),
    path("pupils/<int:pupil_id>/profile/history/", profile_views.ProfileHistoryView.as_view(),
         name="profile_history"),
    path("pupils/<int:pupil_id>/profile/pdf/", profile_views.ProfilePdfView.as_view(),
         name="profile_pdf"),
    path("pupils/<int:pupil_id>/parents/<int:link_id>/remove/",
         views.ParentUnlinkView.as_view(), name="parent_remove"),
]
