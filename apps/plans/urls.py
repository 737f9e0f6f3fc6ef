from django.urls import path

from . import views

app_name = "plans"

cycle = "cycles/<int:cycle_id>/"

urlpatterns = [
    path("pupils/<int:pupil_id>/plan/start/", views.StartPlanView.as_view(), name="start"),
    path(f"{cycle}move/", views.MoveCycleView.as_view(), name="move"),
    path(f"{cycle}assess/", views.AssessView.as_view(), name="assess"),
    path(f"{cycle}review-date/", views.ReviewDateView.as_view(), name="review_date"),
    path(f"{cycle}assessments/new/", views.AssessmentResultView.as_view(), name="assessment"),
    path(f"{cycle}advice/new/", views.SpecialistAdviceView.as_view(), name="advice"),
    path(f"{cycle}files/new/", views.EvidenceFileView.as_view(), name="file"),
    path(f"{cycle}provisions/new/", views.ProvisionView.as_view(), name="provision_new"),
    path(f"{cycle}provisions/<int:provision_id>/", views.ProvisionView.as_view(),
         name="provision"),
    path(f"{cycle}outcomes/new/", views.OutcomeView.as_view(), name="outcome_new"),
    path(f"{cycle}outcomes/<int:outcome_id>/", views.OutcomeView.as_view(), name="outcome"),
    path(f"{cycle}sessions/new/", views.SessionView.as_view(), name="session"),
    path(f"{cycle}sessions/", views.SessionsView.as_view(), name="sessions"),
    path(f"{cycle}sessions/<int:session_id>/", views.SessionCorrectView.as_view(),
         name="session_correct"),
    path(f"{cycle}sessions/<int:session_id>/remove/", views.SessionRemoveView.as_view(),
         name="session_remove"),
    path("sessions/group/", views.GroupSessionView.as_view(), name="group_session"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("library/new/", views.ProvisionTypeView.as_view(), name="library_new"),
    path("library/<int:provision_type_id>/", views.ProvisionTypeView.as_view(),
         name="library_item"),
    path("evidence/<int:file_id>/", views.EvidenceDownloadView.as_view(), name="evidence"),
]
