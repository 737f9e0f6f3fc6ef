"""Concurrent staff against the production server, on one scale's database (bench/run.py
runs it; its timings belong in the benchmark, never in the tests):

    bench/load.py [CLIENTS ...]        (default: 10 30)

gunicorn starts with the project's settings (backend/gunicorn.py: a process a core, eight
threads each). Each client is a member of staff of one of the first ten schools, signed
in (the SENCO with both steps), with the pupils they may see; it sends one request after
another on a kept-alive connection, chosen by weight from a working day's mix: the
register, pupil pages and timelines, the cycle page, the meetings page, the provision map
(SENCOs), the API's lists, and sessions recorded through the API (teaching assistants).
Each client sends its next request as soon as the last is answered, unless
``BENCH_LOAD_THINK_SECONDS`` gives a mean pause. A warm-up of a few seconds is not
counted; then for ``BENCH_LOAD_SECONDS`` (default 60) every request's time and answer is
kept. Prints one JSON object: for each number of
clients, requests a second, p50/p95/p99 and the errors (any answer but 200, 201 or 302,
and any failed connection), overall and by kind of request.

The load comes from this process, on the same machine as the server and PostgreSQL: its
own share of the two cores is part of what is measured."""

import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from apps.plans.models import Cycle, Provision  # noqa: E402
from apps.pupils.selectors import pupils_visible_to  # noqa: E402
from apps.schools.models import Membership, School  # noqa: E402
from apps.schools.tenancy import school_scope  # noqa: E402

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", 60))
# Each client's pause between an answer and its next request (exponential, this mean):
# 0, back to back, is the budget's case; a person reading each page pauses for seconds.
THINK = float(os.environ.get("BENCH_LOAD_THINK_SECONDS", 0))
WARM_UP = min(5.0, SECONDS / 4)
ROLES = ["senco", "teacher1", "ta1", "teacher2", "ta2"]
OK = {200, 201, 302}
IDLE_CLOSED = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
# A working day's mix, by weight: (kind, who may send it).
MIX = [("register", 20, "all"), ("pupil page", 25, "all"), ("pupil timeline", 10, "all"),
       ("cycle page", 10, "all"), ("meetings", 5, "senco"), ("provision map", 3, "senco"),
       ("API pupils", 10, "all"), ("API cycles", 5, "all"), ("record a session", 12, "ta")]


class Staff:
    """One client's person: their session cookie, API token, and what they work on."""

    def __init__(self, school: School, key: str):
        self.school, self.slug = school, school.slug
        user = get_user_model().objects.get(email=f"{key}@{school.slug}.example")
        self.role = "senco" if key == "senco" else "ta" if key.startswith("ta") else "teacher"
        client = Client()
        client.force_login(user)
        if self.role == "senco":
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
                TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        self.cookie = f"sessionid={client.cookies['sessionid'].value}"
        self.token = Token.objects.get_or_create(user=user)[0].key
        today = timezone.localdate()
        with school_scope(school):
            membership = Membership.objects.get(user=user, school=school)
            pupils = list(pupils_visible_to(membership).filter(plans__isnull=False)
                          .values_list("pk", flat=True)[:40])
            self.cycles = list(Cycle.objects.filter(plan__pupil__in=pupils)
                               .exclude(stage="closed").values_list("pk", flat=True))
            # (id, the day a session is recorded for: today, or the last day of a
            # provision that has ended in a cycle still open)
            self.provisions = [
                (pk, min(today, end or today)) for pk, end in Provision.objects.filter(
                    cycle__pk__in=self.cycles, start_date__lte=today, sessions_per_week__gt=0)
                .values_list("pk", "end_date")]
        self.pupils = pupils
        self.kinds = [(kind, weight) for kind, weight, who in MIX
                      if who in ("all", self.role) and self.can(kind)]

    def can(self, kind: str) -> bool:
        needs = {"pupil page": self.pupils, "pupil timeline": self.pupils,
                 "cycle page": self.cycles, "record a session": self.provisions}
        return bool(needs.get(kind, True))

    def request(self, kind: str, rng: random.Random) -> tuple[str, str, dict, bytes | None]:
        """(method, path, headers, body) of one request of this kind."""
        s, api = f"/s/{self.slug}", f"/api/v1/schools/{self.slug}"
        token = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        if kind == "record a session":
            provision, day = rng.choice(self.provisions)
            body = json.dumps({"provision": provision, "date": day.isoformat(),
                               "additional": True})
            return "POST", f"{api}/sessions/", token, body.encode()
        pupil = rng.choice(self.pupils) if self.pupils else None
        cycle = rng.choice(self.cycles) if self.cycles else None
        path = {"register": f"{s}/pupils/", "pupil page": f"{s}/pupils/{pupil}/",
                "pupil timeline": f"{s}/pupils/{pupil}/timeline/",
                "cycle page": f"{s}/cycles/{cycle}/", "meetings": f"{s}/meetings/",
                "provision map": f"{s}/money/provision-map/",
                "API pupils": f"{api}/pupils/", "API cycles": f"{api}/cycles/"}[kind]
        return "GET", path, token if kind.startswith("API") else {"Cookie": self.cookie}, None


def staff_for(clients: int) -> list[Staff]:
    schools = list(School.objects.order_by("pk")[:10])
    return [Staff(schools[i % len(schools)], ROLES[(i // len(schools)) % len(ROLES)])
            for i in range(clients)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server(port: int, log) -> subprocess.Popen:
    env = os.environ | {"PORT": str(port), "HOST": "127.0.0.1", "ALLOWED_HOSTS": "127.0.0.1",
                        "CONN_MAX_AGE": "60"}
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--config",
                                "backend/gunicorn.py"], cwd=ROOT, env=env, stdout=log,
                               stderr=log)
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not answer /healthz")


def client_loop(person: Staff, port: int, seed: int, stop: threading.Event,
                counting: threading.Event, taken: list) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*person.kinds, strict=True)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not stop.is_set():
        kind = rng.choices(kinds, weights)[0]
        method, path, headers, body = person.request(kind, rng)
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                break
            except (OSError, http.client.HTTPException) as error:
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                # A kept-alive connection the server closed while the client paused is
                # opened again and the request sent again, as a browser does; any other
                # failure counts.
                if not isinstance(error, IDLE_CLOSED) or attempt == 2:
                    break
        if counting.is_set():
            taken.append((kind, (time.perf_counter() - started) * 1000, status))
        if THINK:
            stop.wait(rng.expovariate(1 / THINK))
    connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))], 1)


def figures(taken: list, seconds: float) -> dict:
    times = [ms for _, ms, _ in taken]
    errors = [status for _, _, status in taken if status not in OK]
    return {"requests": len(taken), "per_second": round(len(taken) / seconds, 1),
            "p50_ms": round(statistics.median(times), 1) if times else None,
            "p95_ms": percentile(times, 0.95) if times else None,
            "p99_ms": percentile(times, 0.99) if times else None,
            "errors": len(errors), "error_statuses": sorted(set(errors))}


def run_load(clients: int, port: int) -> dict:
    people = staff_for(clients)
    stop, counting, taken = threading.Event(), threading.Event(), []
    threads = [threading.Thread(target=client_loop, args=(p, port, n, stop, counting, taken))
               for n, p in enumerate(people)]
    for thread in threads:
        thread.start()
    time.sleep(WARM_UP)
    counting.set()
    started = time.perf_counter()
    time.sleep(SECONDS)
    counting.clear()
    seconds = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join(60)
    by_kind = {}
    for kind, _, _ in MIX:
        mine = [t for t in taken if t[0] == kind]
        if mine:
            by_kind[kind] = figures(mine, seconds)
    return figures(taken, seconds) | {"seconds": round(seconds, 1), "by_kind": by_kind}


def main():
    counts = [int(n) for n in sys.argv[1:]] or [10, 30]
    port = free_port()
    log_path = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "bench-load-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        process = server(port, log)
        try:
            results = {str(n): run_load(n, port) for n in counts}
        finally:
            process.terminate()
            process.wait(60)
    print(json.dumps({"server": "gunicorn, backend/gunicorn.py (gthread)",
                      "cpus": os.cpu_count(), "seconds_each": SECONDS,
                      "think_seconds": THINK, "clients": results}))


if __name__ == "__main__":
    main()
