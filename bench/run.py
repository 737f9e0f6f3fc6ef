"""The benchmark, in one run at two scales (``make bench``): for each scale a fresh
PostgreSQL database, migrated and filled by ``generate_data``, then (after VACUUM ANALYZE)
``bench/measure.py`` against it: the requests in passes that alternate between the scales
(so the machine's slow spells fall on both, not on whichever was measured then), then the
PDFs with a real Celery worker on Redis; last, the MIS import, and concurrent staff against
the production server on the largest scale (``bench/load.py``). The smallest scale's
school is generated into the largest scale's database too and measured there in the same
passes (``SAME_SCHOOL``).
Writes the results (JSON) and prints them as tables beside the budget.

    .venv/bin/python bench/run.py [--scale small=1x50x4 --scale large=50x300x4]
                                  [--out bench/results.json]

Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://graduated@127.0.0.1:5432/
graduated_bench, a role that may create databases), the application's role it may take
(DATABASE_APP_ROLE, default graduated_app) and Redis (BENCH_BROKER_URL, default
redis://127.0.0.1:6379/14). Timings belong here, never in the tests.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# Small is a school with enough pupils on SEN support to fill a page of 50 (and as many
# again not on the register), so that the pages of a list show as many pupils with years
# of history at both scales; large is a trust of fifty schools of 300.
DEFAULT_SCALES = ["small=1x50x4", "large=50x300x4"]

# The budget (bench/README.md): what each figure must stay within.
SAME_SCHOOL_RATIO = 1.15  # the same school among the large scale's schools, against alone
FLOOR_RATIO = 12  # every page at the large scale's school, against the trivial view
PDF_RATIO = 1.25  # the plan PDF against WeasyPrint alone on the same HTML
# The print for a parents' evening: this many current plans, laid out by a worker of two
# processes, from asking to the PDF stored (judged where the school has that many).
PRINT_PLANS, PRINT_SECONDS = 300, 60
# Concurrent staff against the production server (bench/load.py), each sending requests
# back to back (the server's capacity), then pausing as a person reading the page does
# (a mean of three seconds, shorter than most): at the most clients, at that pace, p95
# under a second and no error.
LOAD_CLIENTS = (10, 30)
LOAD_PAUSES = {"back to back": 0, "3 s pauses": 3}
LOAD_JUDGED = "3 s pauses"
LOAD_P95_MS = 1000
# Pages that sum up the whole school, whose time may grow with its caseload: at most
# linearly, so their p50 per 100 pupils at the large scale is at most the small scale's.
WHOLE_SCHOOL = ("overview", "provision map", "what works and what it costs",
                "meetings (at risk first)", "API meeting states, at risk",
                "SEN information report", "inclusion figures")


def database_url(name: str) -> str:
    base = urlparse(os.environ.get("BENCH_DATABASE_URL",
                                   "postgres://graduated@127.0.0.1:5432/graduated_bench"))
    return urlunparse(base._replace(path=f"/{base.path.strip('/')}_{name}"))


def fresh_database(url: str) -> None:
    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        name = parsed.path.strip("/")
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def settle(url: str) -> None:
    """VACUUM (ANALYZE) after the bulk load, as autovacuum would in time on a live
    database: planner statistics for the new rows, and no autovacuum competing with the
    measurements."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def run(args, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, text=True,
                          capture_output=True, **kwargs)


PASSES = 3  # request passes per scale, alternating; BENCH_REPEATS rounds in each


def environment(name: str, seed: int) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # where the generator is installed
        "DATABASE_URL": database_url(name),
        "DATABASE_APP_ROLE": os.environ.get("DATABASE_APP_ROLE", "graduated_app"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-key"),
        "DEBUG": "0", "ALLOW_HTTP": "1", "ALLOW_CONSOLE_EMAIL": "1", "ALLOWED_HOSTS": "testserver",
        "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14"),
        "CELERY_TASK_ALWAYS_EAGER": "0", "VAR_DIR": str(ROOT / "var" / f"bench-{name}"),
        "BENCH_SEED": str(seed)}


def generate(env: dict, schools: int, pupils: int, years: int,
             seed: int) -> subprocess.CompletedProcess:
    return run([PYTHON, "manage.py", "generate_data", "--schools", str(schools),
                "--sen-pupils", str(pupils), "--years", str(years), "--seed", str(seed)], env)


def build(name: str, schools: int, pupils: int, years: int, seed: int,
          also: tuple[int, int, int, int] | None = None) -> dict:
    """A fresh database for the scale, generated and settled; the generator's figures.
    ``also`` (schools, pupils, years, seed): another generator run into the same database
    before it is settled, not counted in the generator's figures."""
    url, env = database_url(name), environment(name, seed)
    fresh_database(url)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    started = time.perf_counter()
    generated = generate(env, schools, pupils, years, seed)
    generator_seconds = time.perf_counter() - started
    if also:
        generate(env, *also)
    settle(url)
    return {"scale": {"schools": schools, "sen_pupils": pupils, "years": years, "seed": seed},
            "generator": {"seconds": round(generator_seconds, 1),
                          "summary": generated.stdout.strip().splitlines()[-1]}}


def measure(name: str, seed: int, what: str) -> dict:
    measured = run([PYTHON, "bench/measure.py", what], environment(name, seed))
    return json.loads(measured.stdout.strip().splitlines()[-1])


def summary(figures: dict) -> dict:
    """p50 and p95 of a page's times, pooled over the passes."""
    taken = sorted(figures["times_ms"])
    return {"url": figures["url"], "queries": figures["queries"], "samples": len(taken),
            "p50_ms": round(statistics.median(taken), 2),
            "p95_ms": round(taken[min(len(taken) - 1, int(len(taken) * 0.95))], 2)}


def seeds(scales: dict, seed: int) -> dict[str, int]:
    """The smallest scale's school comes from the next seed, so that it can be generated
    into the largest scale's database too (see ``SAME_SCHOOL``); the others from ``seed``."""
    first = next(iter(scales))
    return {name: seed + 1 if name == first else seed for name in scales}


# The smallest scale's school, measured again in the largest scale's database among its
# schools: the same pupils and history, alone in its database and among many. Its ratio
# is what the data's growth costs a page.
SAME_SCHOOL = "small school in the large database"


def measure_all(scales: dict, seed_of: dict[str, int]) -> tuple[dict, dict]:
    """Requests in alternating passes, pooled per page; then PDFs and the worker. Also the
    requests of the smallest scale's school in the largest scale's database. ``seed_of``:
    each scale's school's seed (``seeds``)."""
    smallest, largest = next(iter(scales)), list(scales)[-1]
    pooled: dict[str, dict] = {name: {} for name in [*scales, SAME_SCHOOL]}
    peak: dict[str, float] = dict.fromkeys(scales, 0.0)
    for _ in range(PASSES):
        for name, database, school_seed in [*((n, n, seed_of[n]) for n in scales),
                                            (SAME_SCHOOL, largest, seed_of[smallest])]:
            taken = measure(database, school_seed, "requests")
            if name in peak:
                peak[name] = max(peak[name], taken["web_peak_mib"])
            for page, figures in taken["requests"].items():
                into = pooled[name].setdefault(page, figures | {"times_ms": []})
                into["times_ms"] += figures["times_ms"]
    results = {}
    for name, built in scales.items():
        results[name] = built | {
            "requests": {page: summary(f) for page, f in pooled[name].items()},
            "web_peak_mib": peak[name]} | measure(name, seed_of[name], "pdf")
    same_school = {"database": largest, "scale": scales[smallest]["scale"],
                   "requests": {page: summary(f) for page, f in pooled[SAME_SCHOOL].items()}}
    return results, same_school


def per_hundred_pupils(result: dict, page: str) -> float:
    """A page's p50 for every 100 pupils on SEN support at its school."""
    return result["requests"][page]["p50_ms"] * 100 / result["scale"]["sen_pupils"]


def measure_import(seed: int) -> dict:
    """The MIS import of 2,000 rows into a fresh database (bench/import_measure.py)."""
    fresh_database(database_url("import"))
    env = environment("import", seed)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    return json.loads(run([PYTHON, "bench/import_measure.py"], env).stdout.strip()
                      .splitlines()[-1])


def measure_load(name: str, seed: int) -> dict:
    """Concurrent staff against gunicorn on the scale's database (bench/load.py), at each
    of ``LOAD_PAUSES``."""
    return {pace: json.loads(run([PYTHON, "bench/load.py", *map(str, LOAD_CLIENTS)],
                                 environment(name, seed) | {
                                     "BENCH_LOAD_THINK_SECONDS": str(pause)})
                             .stdout.strip().splitlines()[-1])
            for pace, pause in LOAD_PAUSES.items()}


def load_lines(load: dict) -> list[str]:
    first = next(iter(load.values()))
    out = [f"\nload: {first['server']}, {first['cpus']} cores, {first['seconds_each']} s each "
           "(bench/load.py)",
           f"{'pace':22} {'clients':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
           f"{'p99 ms':>8} {'errors':>7}"]
    for pace, measured in load.items():
        for clients, f in measured["clients"].items():
            out.append(f"{pace:22} {clients:>8} {f['per_second']:>7} {f['p50_ms']:>8} "
                       f"{f['p95_ms']:>8} {f['p99_ms']:>8} {f['errors']:>7}")
    return out


def verdicts(results: dict, same_school: dict, mis: dict | None = None,
             load: dict | None = None) -> list[tuple[str, str, bool]]:
    """Each line of the budget with the figures behind it."""
    names = list(results)
    small, large = results[names[0]], results[names[-1]]
    alone = small["requests"]
    floor = large["requests"]["trivial view (floor)"]["p50_ms"]
    lines = []
    for page, figures in large["requests"].items():
        if page.startswith("trivial"):
            continue
        lines.append((f"{page}: queries {alone[page]['queries']} / {figures['queries']}",
                      "same at both scales", alone[page]["queries"] == figures["queries"]))
        among = same_school["requests"][page]["p50_ms"]
        lines.append((f"{page}: same school alone {alone[page]['p50_ms']} ms, among the "
                      f"trust {among} ms", f"<= {SAME_SCHOOL_RATIO}x",
                      among <= SAME_SCHOOL_RATIO * alone[page]["p50_ms"]))
        lines.append((f"{page}: {figures['p50_ms']} ms against the floor's {floor} ms",
                      f"<= {FLOOR_RATIO}x", figures["p50_ms"] <= FLOOR_RATIO * floor))
        if page in WHOLE_SCHOOL:
            before, after = per_hundred_pupils(small, page), per_hundred_pupils(large, page)
            lines.append((f"{page}: {before:.2f} / {after:.2f} ms per 100 pupils",
                          "at most linear", after <= before))
    pdf = large["pdf"]
    lines.append((f"plan PDF {pdf['plan_pdf_ms']} ms vs WeasyPrint {pdf['weasyprint_alone_ms']}"
                  " ms", f"<= {PDF_RATIO}x", pdf["ratio"] <= PDF_RATIO))
    printed = large.get("print")
    if printed and printed["plans"] >= PRINT_PLANS:
        lines.append((f"print of {printed['plans']} plans: {printed['seconds']} s with "
                      f"{printed['processes']} worker processes",
                      f"< {PRINT_SECONDS} s", printed["seconds"] < PRINT_SECONDS))
    if load:
        busiest = load[LOAD_JUDGED]["clients"][str(max(LOAD_CLIENTS))]
        lines.append((f"{max(LOAD_CLIENTS)} clients, {LOAD_JUDGED}: p95 "
                      f"{busiest['p95_ms']} ms, {busiest['errors']} errors",
                      f"p95 < {LOAD_P95_MS} ms, no error",
                      busiest["p95_ms"] < LOAD_P95_MS and busiest["errors"] == 0))
    if mis:
        for step in ("preview", "apply"):
            seconds = mis[f"{step}_seconds"]
            lines.append((f"MIS import of {mis['rows']} rows, {step}: {seconds} s",
                          f"<= {mis['budget_seconds']} s", seconds <= mis["budget_seconds"]))
    return lines


def same_school_lines(results: dict, same_school: dict) -> list[str]:
    """The smallest scale's school alone and in the largest scale's database, page by page."""
    alone = results[next(iter(results))]["requests"]
    out = [f"{'page':34} {'queries':>8} {'alone':>9} {'among':>9} {'ratio':>6}"]
    for page, among in same_school["requests"].items():
        before = alone[page]
        out.append(f"{page:34} {before['queries']:>3} / {among['queries']:<2} "
                   f"{before['p50_ms']:>9} {among['p50_ms']:>9} "
                   f"{among['p50_ms'] / before['p50_ms']:>5.2f}x")
    return out


def report(results: dict, same_school: dict, mis: dict | None = None,
           load: dict | None = None) -> str:
    out = []
    for name, result in results.items():
        s = result["scale"]
        out.append(f"\n{name}: {s['schools']} school(s) x {s['sen_pupils']} pupils on SEN "
                   f"support x {s['years']} years — {result['generator']['summary']}")
        out.append(f"{'page':34} {'queries':>8} {'p50 ms':>9} {'p95 ms':>9}")
        for page, f in result["requests"].items():
            out.append(f"{page:34} {f['queries']:>8} {f['p50_ms']:>9} {f['p95_ms']:>9}")
        pdf, worker = result["pdf"], result["worker"]
        out.append(f"plan PDF {pdf['plan_pdf_ms']} ms; WeasyPrint alone "
                   f"{pdf['weasyprint_alone_ms']} ms (x{pdf['ratio']})")
        out.append(f"worker: {worker['pdfs']} PDFs in {worker['seconds']} s = "
                   f"{worker['pdfs_per_second']} PDFs/s; peak memory web "
                   f"{result['web_peak_mib']} MiB, worker {worker['worker_peak_mib']} MiB")
        printed = result["print"]
        out.append(f"print for a parents' evening: {printed['plans']} plans "
                   f"({printed['pages']} pages) in {printed['seconds']} s = "
                   f"{printed['plans_per_second']} plans/s, worker of "
                   f"{printed['processes']} processes, progress seen at "
                   f"{printed['progress_steps']} steps; peak memory "
                   f"{printed['worker_peak_mib']} MiB")
    s = same_school["scale"]
    out.append(f"\nthe same school ({s['sen_pupils']} pupils on SEN support x {s['years']} "
               f"years), alone in its database and among the {same_school['database']} "
               "scale's schools (p50 ms)")
    out += same_school_lines(results, same_school)
    names = list(results)
    out.append("\nwhole-school pages, p50 ms per 100 pupils on SEN support")
    out.append(f"{'page':34} {names[0]:>9} {names[-1]:>9}")
    for page in WHOLE_SCHOOL:
        out.append(f"{page:34} {per_hundred_pupils(results[names[0]], page):>9.2f} "
                   f"{per_hundred_pupils(results[names[-1]], page):>9.2f}")
    if load:
        out += load_lines(load)
    out.append("\nbudget")
    for figures, limit, ok in verdicts(results, same_school, mis, load):
        out.append(f"  {'ok  ' if ok else 'MISS'} {figures} ({limit})")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", action="append", default=None,
                        help="name=SCHOOLSxPUPILSxYEARS (give two: smallest first)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    sizes = {}
    for spec in options.scale or DEFAULT_SCALES:
        name, _, size = spec.partition("=")
        sizes[name] = tuple(int(n) for n in size.split("x"))
    if len(sizes) != 2:
        parser.error("give two scales, smallest first")
    (smallest, small), largest = next(iter(sizes.items())), list(sizes)[-1]
    seed_of = seeds(sizes, options.seed)
    scales = {}
    for name, (schools, pupils, years) in sizes.items():
        also = (*small, seed_of[smallest]) if name == largest else None
        print(f"{name}: generating {schools} x {pupils} x {years}"
              f"{f', and the {smallest} school' if also else ''}...", flush=True)
        try:
            scales[name] = build(name, schools, pupils, years, seed_of[name], also)
        except subprocess.CalledProcessError as failed:
            sys.exit(f"{' '.join(failed.cmd)} failed:\n{failed.stdout}\n{failed.stderr}")
    print(f"measuring {', '.join(scales)} and {SAME_SCHOOL} in {PASSES} alternating passes...",
          flush=True)
    try:
        results, same_school = measure_all(scales, seed_of)
    except subprocess.CalledProcessError as failed:
        sys.exit(f"{' '.join(failed.cmd)} failed:\n{failed.stdout}\n{failed.stderr}")
    print("measuring the MIS import...", flush=True)
    try:
        mis = measure_import(options.seed)
    except subprocess.CalledProcessError as failed:
        sys.exit(f"{' '.join(failed.cmd)} failed:\n{failed.stdout}\n{failed.stderr}")
    print(f"load: {' and '.join(map(str, LOAD_CLIENTS))} clients against gunicorn on the "
          f"{largest} scale...", flush=True)
    try:
        load = measure_load(largest, seed_of[largest])
    except subprocess.CalledProcessError as failed:
        sys.exit(f"{' '.join(failed.cmd)} failed:\n{failed.stdout}\n{failed.stderr}")
    document = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                            "platform": platform.platform()},
                "measured_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "results": results,
                "same_school": same_school, "mis_import": mis, "load": load}
    Path(options.out).parent.mkdir(parents=True, exist_ok=True)
    Path(options.out).write_text(json.dumps(document, indent=2) + "\n")
    print(report(results, same_school, mis, load))
    print(f"\nwritten to {options.out}")


if __name__ == "__main__":
    main()
