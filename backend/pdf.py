"""PDFs from templates with WeasyPrint: tagged (PDF/UA-1), with a URL fetcher that serves
only the project's own static files: never ``file://`` paths, never the network."""

import mimetypes
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "http://pdf.invalid/"  # a host that cannot exist; only its static paths resolve


class ForbiddenResource(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.netloc != urlparse(BASE_URL).netloc or not parsed.path.startswith(
            settings.STATIC_URL
        ):
            raise ForbiddenResource(f"PDFs may use only the project's static files, not {url}")
        found = finders.find(parsed.path[len(settings.STATIC_URL):])
        if not found:
            raise ForbiddenResource(f"No static file {parsed.path}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=Path(found).read_bytes(),
                                  headers={"Content-Type": content_type})


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
        pdf_variant="pdf/ua-1")
