"""The project's settings, plus a trivial view (bench/urls.py) measured in the same run as
the floor every page is compared with."""

from backend.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
