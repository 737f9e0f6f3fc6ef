"""Nothing the application answers is kept by a browser's cache or a shared one.

Pages, API responses, downloads and PDFs carry children's records: each response is
``Cache-Control: no-store, private``, added to whatever its view set (the sign-in page
sets never-cache headers of its own). Static files are answered by whitenoise before this
middleware and keep their own caching; /healthz sets no-store itself."""

from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
