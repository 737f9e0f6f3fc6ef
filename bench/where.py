"""Where one page's time goes, against a database ``make bench`` left behind: its queries
(slowest first, with the time PostgreSQL took), the Python functions that took longest
(cProfile), and ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest queries, run as the school.

    DATABASE_URL=postgres://graduated@127.0.0.1:5432/graduated_bench_large \\
        .venv/bin/python bench/where.py "/s/{school}/pupils/" [--explain 2] [--top 25]

``{school}`` is the first generated school's slug, ``{pupil}`` the pupil whose timeline
the benchmark measures. The figures are for finding a cause;
the benchmark (bench/run.py) is what reports them.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
for name, value in {"SECRET_KEY": "benchmark-only-key", "DEBUG": "0", "ALLOW_HTTP": "1",
                    "ALLOW_CONSOLE_EMAIL": "1",
                    "ALLOWED_HOSTS": "testserver"}.items():
    os.environ.setdefault(name, value)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.schools.models import School  # noqa: E402
from apps.schools.tenancy import school_scope  # noqa: E402
from bench.measure import current_cycles, signed_in_senco  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url", help='a path; "{school}" and "{pupil}" are replaced by the '
                                    "school's slug and the measured pupil's id")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("BENCH_SEED", 1)))
    parser.add_argument("--explain", type=int, default=1, help="how many slow queries")
    parser.add_argument("--top", type=int, default=25, help="functions to list")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--sort", default="tottime", help="cProfile order: tottime, cumtime")
    args = parser.parse_args()

    school = School.objects.get(slug=f"bench-{args.seed}-000")
    url = args.url.format(school=school.slug,
                          pupil=current_cycles(school, 1)[0].plan.pupil_id)
    client = signed_in_senco(school)
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = list(captured.captured_queries)

    times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    profile = cProfile.Profile()
    for _ in range(args.repeats):
        profile.enable()
        client.get(url)
        profile.disable()
    sql_ms = sum(float(q["time"]) for q in queries) * 1000
    print(f"{url}: median {times[len(times) // 2]:.1f} ms, {len(queries)} queries "
          f"taking {sql_ms:.1f} ms as seen from Python\n")
    for query in sorted(queries, key=lambda q: -float(q["time"]))[:10]:
        print(f"{float(query['time']) * 1000:7.2f} ms  {query['sql'][:160]}")

    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(f"\nBy {args.sort} over {args.repeats} requests:\n", out.getvalue())

    slowest = sorted(queries, key=lambda q: -float(q["time"]))[:args.explain]
    for query in slowest:
        with school_scope(school), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print("\n" + query["sql"][:400])
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
