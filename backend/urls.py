from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from apps.accounts import api as accounts_api
from apps.accounts.views import ObtainToken
from apps.caseload import api as caseload_api
from apps.escalation import api as escalation_api
from apps.money import api as money_api
from apps.parents import api as parents_api
from apps.plans import api as plans_api
from apps.privacy import api as privacy_api
from apps.pupils import api as pupils_api
from apps.reviews import api as reviews_api
from apps.schools.api import MySchoolsViewSet
from apps.schools.views import home

school_api = SimpleRouter()
school_api.register("members", accounts_api.MemberViewSet, basename="member")
school_api.register("invitations", accounts_api.InvitationViewSet, basename="invitation")
school_api.register("pupils", caseload_api.PupilViewSet, basename="pupil")
school_api.register("profiles", pupils_api.ProfileViewSet, basename="profile")
school_api.register("provision-types", plans_api.ProvisionTypeViewSet, basename="provision-type")
school_api.register("plans", plans_api.SupportPlanViewSet, basename="plan")
school_api.register("cycles", plans_api.CycleViewSet, basename="cycle")
school_api.register("assessment-results", plans_api.AssessmentResultViewSet,
                    basename="assessment-result")
school_api.register("specialist-advice", plans_api.SpecialistAdviceViewSet,
                    basename="specialist-advice")
school_api.register("evidence-files", plans_api.EvidenceFileViewSet, basename="evidence-file")
school_api.register("outcomes", plans_api.OutcomeViewSet, basename="outcome")
school_api.register("provisions", plans_api.ProvisionViewSet, basename="provision")
school_api.register("sessions", plans_api.DeliveredSessionViewSet, basename="session")
school_api.register("group-sessions", plans_api.GroupSessionViewSet, basename="group-session")
school_api.register("reviews", reviews_api.ReviewViewSet, basename="review")
school_api.register("money/settings", money_api.CostSettingsViewSet, basename="cost-settings")
school_api.register("money/budgets", money_api.SenBudgetViewSet, basename="sen-budget")
school_api.register("money/spend", money_api.SpendViewSet, basename="spend")
school_api.register("money/provision-map", money_api.ProvisionMapViewSet,
                    basename="provision-map")
school_api.register("money/what-works", money_api.WhatWorksViewSet, basename="what-works")
school_api.register("money/top-ups", money_api.TopUpRequestViewSet, basename="top-up")
school_api.register("meetings/states", caseload_api.MeetingStatesViewSet,
                    basename="meeting-state")
school_api.register("meetings", parents_api.MeetingViewSet, basename="meeting")
school_api.register("shared-plans", parents_api.SharedPlanViewSet, basename="shared-plan")
school_api.register("family/plans", parents_api.FamilyPlanViewSet, basename="family-plan")
school_api.register("family/views", parents_api.FamilyViewsViewSet, basename="family-views")
school_api.register("ehc-requests", escalation_api.EhcRequestViewSet, basename="ehc-request")
school_api.register("annual-reviews", escalation_api.AnnualReviewViewSet, basename="annual-review")
school_api.register("escalation/decisions", escalation_api.EscalationDecisionViewSet,
                    basename="escalation-decision")
school_api.register("escalation/readiness", escalation_api.ReadinessViewSet,
                    basename="readiness")

my_api = SimpleRouter()
my_api.register("schools", MySchoolsViewSet, basename="school")

api_v1 = [
    path("", include(my_api.urls)),
    path("schools/<slug:school>/", include(school_api.urls)),
    # One object, not a list: the overview page's read model.
    path("schools/<slug:school>/overview/",
         caseload_api.OverviewViewSet.as_view({"get": "retrieve"}, detail=False),
         name="school-overview"),
    path("schools/<slug:school>/pupils/<int:pupil>/timeline/",
         reviews_api.TimelineViewSet.as_view({"get": "retrieve"}, detail=True),
         name="pupil-timeline"),
    path("schools/<slug:school>/pupils/<int:pupil>/subject-access/",
         privacy_api.SubjectAccessViewSet.as_view({"get": "retrieve"}, detail=True),
         name="pupil-subject-access"),
    path("schools/<slug:school>/pupils/<int:pupil>/sen-record/",
         privacy_api.SenRecordViewSet.as_view({"get": "retrieve"}, detail=True),
         name="pupil-sen-record"),
    path("auth/token/", ObtainToken.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    # The split view serves Swagger UI's own script as a file: no inline script (CSP).
    path("docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="schema")),
         name="api-docs"),
]

@csrf_exempt  # it changes nothing, whatever the method
def api_not_found(request, *args, **kwargs):
    """Any unknown address under /api/ answers in the API's one error shape."""
    return JsonResponse({"type": "client_error", "errors": [
        {"code": "not_found", "detail": "Not found.", "attr": None}]}, status=404)


# A request too large (413) and the database out of reach (503) have answers of their
# own, as JSON under /api/ (backend/errors.py).
handler400 = "backend.errors.bad_request"
handler500 = "backend.errors.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("apps.accounts.urls")),
    path("s/<slug:school>/", include("apps.schools.urls")),
    path("s/<slug:school>/", include("apps.accounts.school_urls")),
    path("s/<slug:school>/", include("apps.caseload.urls")),
    path("s/<slug:school>/", include("apps.pupils.urls")),
    path("s/<slug:school>/", include("apps.plans.urls")),
    path("s/<slug:school>/", include("apps.reviews.urls")),
    path("s/<slug:school>/", include("apps.money.urls")),
    path("s/<slug:school>/", include("apps.parents.urls")),
    path("s/<slug:school>/", include("apps.escalation.urls")),
    path("s/<slug:school>/", include("apps.privacy.urls")),
    path("", include("apps.parents.family_urls")),
    path("", include("apps.caseload.trust_urls")),
    path("api/v1/", include(api_v1)),
    re_path(r"^api/", api_not_found),
]
