from django.urls import path

from . import views

app_name = "escalation"

pupil = "pupils/<int:pupil_id>/ehc/"

urlpatterns = [
    path(pupil, views.PupilEscalationView.as_view(), name="pupil"),
    path(f"{pupil}decision/", views.DecisionView.as_view(), name="decision"),
    path(f"{pupil}request/", views.RequestView.as_view(), name="request"),
    path(f"{pupil}parents-asked/", views.ParentAskView.as_view(), name="parent_ask"),
    path(f"{pupil}bundle/", views.BundleView.as_view(), name="bundle"),
    path("pupils/<int:pupil_id>/annual-reviews/", views.PupilAnnualReviewsView.as_view(),
         name="annual_reviews"),
    path("pupils/<int:pupil_id>/annual-reviews/new/", views.AnnualReviewFormView.as_view(),
         name="annual_review_new"),
    path("pupils/<int:pupil_id>/annual-reviews/<int:review_id>/",
         views.AnnualReviewFormView.as_view(), name="annual_review"),
    path("annual-reviews/", views.DueAnnualReviewsView.as_view(), name="annual_reviews_due"),
    path("ehc-requests/", views.OpenRequestsView.as_view(), name="requests"),
    path("ehc-requests/<int:request_id>/outcome/", views.RequestOutcomeView.as_view(),
         name="outcome"),
    path("ehc-requests/<int:request_id>/steps/", views.RequestStepsView.as_view(),
         name="steps"),
    path("ehc-requests/<int:request_id>/exception/", views.ExceptionView.as_view(),
         name="exception"),
]
