"""The project's settings for the benchmark: the data generator (``manage.py
generate_data``) and a trivial view (bench/urls.py), measured in the same run as the floor
every page is compared with."""

from backend.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
