from django.urls import path

from . import report_views, views

app_name = "caseload"

urlpatterns = [
    path("", views.SchoolHomeView.as_view(), name="school_home"),
    path("overview/", views.OverviewView.as_view(), name="overview"),
    path("pupils/", views.RegisterView.as_view(), name="register"),
    path("pupils/bulk/", views.BulkView.as_view(), name="bulk"),
    path("pupils/print/", views.PrintView.as_view(), name="print"),
    path("prints/<int:run_id>/", views.PrintRunView.as_view(), name="print_run"),
    path("prints/<int:run_id>/print.pdf", views.PrintDownloadView.as_view(),
         name="print_download"),
    path("pupils/<int:pupil_id>/", views.PupilView.as_view(), name="pupil"),
    path("pupils/<int:pupil_id>/support-plan-summary.pdf",
         views.SupportPlanSummaryView.as_view(), name="support_plan_summary"),
    path("pupils/<int:pupil_id>/support-plan-summary.json",
         views.SupportPlanSummaryView.as_view(as_json=True), name="support_plan_summary_json"),
    path("meetings/", views.MeetingsView.as_view(), name="meetings"),
    path("sen-information-report/", report_views.InformationReportView.as_view(),
         name="information_report"),
    path("inclusion/", report_views.SchoolPackView.as_view(), name="inclusion"),
    path("pupils/<int:pupil_id>/inclusion-pack/", report_views.PupilPackView.as_view(),
         name="inclusion_pack"),
    path("sen-information-report/words/", report_views.InformationReportWordsView.as_view(),
         name="information_report_words"),
    path("my-class/", views.MyClassView.as_view(), name="my_class"),
    path("my-class/profiles.pdf", views.MyClassProfilesView.as_view(),
         name="my_class_profiles"),
]
