"""Measure one scale, against that scale's database (bench/run.py runs it), and print one
JSON object:

    bench/measure.py requests   queries per request and each request's time, for the main
                                pages and API lists beside a trivial view; peak memory of
                                this (web) process
    bench/measure.py pdf        the plan PDF against WeasyPrint alone; PDFs a second through
                                a real Celery worker on Redis; the worker's peak memory;
                                the print for a parents' evening of up to BENCH_PRINT_PLANS
                                (300) current plans, laid out by a worker of two processes
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from weasyprint import HTML  # noqa: E402

from apps.caseload.models import PrintRun  # noqa: E402
from apps.caseload.printing import print_ask  # noqa: E402
from apps.parents import services as parents  # noqa: E402
from apps.parents.models import PlanSnapshot  # noqa: E402
from apps.plans.models import Cycle  # noqa: E402
from apps.schools.models import School  # noqa: E402
from apps.schools.tenancy import school_scope  # noqa: E402
from backend.pdf import BASE_URL, StaticOnlyFetcher, render_pdf  # noqa: E402


def signed_in_senco(school) -> Client:
    """The school's SENCO, both steps of signing in done."""
    senco = get_user_model().objects.get(email=f"senco@{school.slug}.example")
    device = TOTPDevice.objects.filter(user=senco, confirmed=True).first() or \
        TOTPDevice.objects.create(user=senco, name="Benchmark", confirmed=True)
    client = Client()
    client.force_login(senco)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_cycles(school, count: int) -> list:
    """The school's latest cycles in Do: the plans shared, and (the first) the pupil whose
    timeline is measured."""
    with school_scope(school):
        return list(Cycle.objects.filter(stage="do").select_related("plan")
                    .order_by("-number", "pk")[:count])


def pages(school, pupil_id) -> dict[str, str]:
    s, api = f"/s/{school.slug}", f"/api/v1/schools/{school.slug}"
    return {
        "trivial view (floor)": "/bench/trivial/",
        "overview": f"{s}/overview/",
        "register": f"{s}/pupils/",
        "register, overdue reviews": f"{s}/pupils/?overdue=true",
        "pupil page": f"{s}/pupils/{pupil_id}/",
        "pupil timeline": f"{s}/pupils/{pupil_id}/timeline/",
        "provision map": f"{s}/money/provision-map/",
        "what works and what it costs": f"{s}/money/what-works/",
        "meetings (at risk first)": f"{s}/meetings/",
        "SEN information report": f"{s}/sen-information-report/",
        "inclusion figures": f"{s}/inclusion/",
        "inclusion pack (a pupil)": f"{s}/pupils/{pupil_id}/inclusion-pack/",
        "API pupils": f"{api}/pupils/",
        "API cycles": f"{api}/cycles/",
        "API sessions": f"{api}/sessions/",
        "API meeting states, at risk": f"{api}/meetings/states/?state=at_risk",
    }


def measure_requests(client, urls, repeats) -> dict:
    """Each URL warmed and its queries counted, then timed ``repeats`` times in rounds
    (every URL once a round), so a slow spell on the machine falls on all of them alike.
    The times (ms) are returned as taken: run.py pools them over passes."""
    counts = {}
    for name, url in urls.items():
        for _ in range(2):  # warm: templates, caches, the connection
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[name] = len(queries)  # now: the next request clears the log
    times = {name: [] for name in urls}
    for _ in range(repeats):
        for name, url in urls.items():
            started = time.perf_counter()
            response = client.get(url)
            times[name].append(round((time.perf_counter() - started) * 1000, 3))
            assert response.status_code == 200, url
    return {name: {"url": url, "queries": counts[name], "times_ms": times[name]}
            for name, url in urls.items()}


def measure_pdf(cycle, repeats) -> dict:
    """The plan as shared with parents: our whole path (content, template, PDF/UA) against
    WeasyPrint alone on the same HTML with the same options."""
    def ours():
        content = parents.snapshot_content(cycle, "")
        render_pdf("parents/plan_pdf.html", {"plan": content, "shared_at": None})

    html = render_to_string("parents/plan_pdf.html",
                            {"plan": parents.snapshot_content(cycle, ""), "shared_at": None})

    def alone():
        HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf(
            pdf_variant="pdf/ua-1")

    # One of each untimed first: the process's first PDF loads fonts and fills caches,
    # which would otherwise land on whichever side was timed first.
    ours(), alone()
    times = {ours: [], alone: []}
    for _ in range(repeats):  # in turn, so that a slow spell falls on both alike
        for render, taken in times.items():
            started = time.perf_counter()
            render()
            taken.append(time.perf_counter() - started)
    ours_ms, alone_ms = (statistics.median(times[render]) * 1000 for render in (ours, alone))
    return {"plan_pdf_ms": round(ours_ms, 1), "weasyprint_alone_ms": round(alone_ms, 1),
            "ratio": round(ours_ms / alone_ms, 3)}


def peak_kib(pid) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


@contextmanager
def worker_running(*options):
    """A real Celery worker on the broker for the block, once it answers; yields its pid."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "backend.settings"}
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "backend", "worker", *options,
         "--without-gossip", "--without-mingle", "-l", "warning"], cwd=ROOT, env=env)
    try:
        from backend.celery import app

        deadline = time.time() + 60
        while not app.control.ping(timeout=1):
            if time.time() > deadline or worker.poll() is not None:
                raise RuntimeError("The Celery worker did not answer.")
        yield worker.pid
    finally:
        worker.terminate()
        worker.wait(30)


def children_peak_kib(pid) -> int:
    """The highest peak memory among a prefork worker's processes."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return max([peak_kib(pid), *(peak_kib(child) for child in children)])


def measure_worker(school, cycles, timeout=600) -> dict:
    """Share plans and time their PDFs through a real worker (one process, solo pool)."""
    with worker_running("--pool=solo") as pid:
        senco = get_user_model().objects.get(email=f"senco@{school.slug}.example")
        started = time.perf_counter()
        with school_scope(school):
            ids = [parents.plan_share(cycle=cycle, actor=senco).pk for cycle in cycles]
        while True:
            with school_scope(school):  # a transaction each time: sees the worker's commits
                if not PlanSnapshot.objects.filter(pk__in=ids, pdf="").exists():
                    break
            if time.perf_counter() - started > timeout:
                raise RuntimeError("The worker did not render every PDF in time.")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        return {"pdfs": len(ids), "seconds": round(seconds, 2),
                "pdfs_per_second": round(len(ids) / seconds, 2),
                "worker_peak_mib": round(peak_kib(pid) / 1024, 1)}


def measure_print(school, plans: int, timeout=600) -> dict:
    """The print for a parents' evening of the current plans of up to ``plans`` pupils,
    asked for as the SENCO does and laid out by a worker of two processes (prefork): from
    asking to the PDF stored, with how often its progress was seen to move."""
    with worker_running("--concurrency=2") as pid:
        senco = get_user_model().objects.get(email=f"senco@{school.slug}.example")
        with school_scope(school):
            pupils = [cycle.plan.pupil for cycle in Cycle.objects.filter(closed_on__isnull=True)
                      .select_related("plan__pupil").order_by("plan__pupil__last_name",
                                                              "plan__pupil__pk")[:plans]]
        started = time.perf_counter()
        with school_scope(school):
            run = print_ask(school=school, actor=senco, pupils=pupils, what="plans",
                            described="Benchmark")
        progress = set()
        while True:
            with school_scope(school):
                run.refresh_from_db()
            progress.add(run.done)
            if run.status in (PrintRun.Status.READY, PrintRun.Status.FAILED):
                break
            if time.perf_counter() - started > timeout:
                raise RuntimeError("The worker did not finish the print in time.")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        if run.status != PrintRun.Status.READY:
            raise RuntimeError("The print failed; see the worker's log.")
        return {"plans": len(run.pupil_ids), "pages": run.pages, "seconds": round(seconds, 2),
                "plans_per_second": round(len(run.pupil_ids) / seconds, 2),
                "progress_steps": len(progress - {0}), "processes": 2,
                "worker_peak_mib": round(children_peak_kib(pid) / 1024, 1)}


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "requests"
    repeats, pdfs, seed, plans = (int(os.environ.get(k, d)) for k, d in
                                  [("BENCH_REPEATS", 10), ("BENCH_PDFS", 20), ("BENCH_SEED", 1),
                                   ("BENCH_PRINT_PLANS", 300)])
    school = School.objects.get(slug=f"bench-{seed}-000")
    current = current_cycles(school, max(pdfs, 1))
    if what == "requests":
        client = signed_in_senco(school)
        result = {"requests": measure_requests(
            client, pages(school, current[0].plan.pupil_id), repeats),
            "web_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    elif what == "pdf":
        with school_scope(school):
            result = {"pdf": measure_pdf(current[0], max(5, repeats // 2))}
        result["worker"] = measure_worker(school, current[:pdfs])
        result["print"] = measure_print(school, plans)
    else:
        sys.exit(f"measure what? requests or pdf, not {what}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
