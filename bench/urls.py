from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """The floor: the whole middleware stack, no database, a few bytes back."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("backend.urls")),
]
