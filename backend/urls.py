from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from apps.pupils.api import PupilViewSet
from apps.schools.api import MySchoolsViewSet
from apps.schools.views import home

school_api = SimpleRouter()
school_api.register("pupils", PupilViewSet, basename="pupil")

my_api = SimpleRouter()
my_api.register("schools", MySchoolsViewSet, basename="school")

api_v1 = [
    path("", include(my_api.urls)),
    path("schools/<slug:school>/", include(school_api.urls)),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(api_version="1"), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("apps.accounts.urls")),
    path("s/<slug:school>/", include("apps.pupils.urls")),
    path("api/v1/", include(api_v1)),
]
