from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's data generator (``manage.py generate_data``). Installed only by
    bench/settings.py, never by the application's own settings: the generator lifts
    row-level security and drops indexes while it loads."""

    name = "bench"
    label = "bench"
    verbose_name = "Benchmark"
