"""Two versions of the code side by side, against one database that ``make bench`` left
behind: each version in its own process, the two asked in turn, page by page and round by
round, so that a slow spell on a shared machine falls on both alike. For telling whether a
change made pages faster, when two runs of ``make bench`` minutes apart differ by more
than the change does.

    git worktree add /tmp/before <commit> && cp -r static/build /tmp/before/static/
    DATABASE_URL=postgres://graduated@127.0.0.1:5432/graduated_bench_large \\
        .venv/bin/python bench/compare.py /tmp/before . [--rounds 20] [URL ...]

Prints each page's p50 in milliseconds for both versions, and after/before. URLs as for
``bench/where.py`` (``{school}``, ``{pupil}``); by default the benchmark's pages. Each
page is first requested a few times by each version, so that both measure a warm
process, as a server's would be.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

WARM = 6


def serve(tree: Path) -> None:
    """One version's process: answers "URL N" with N timings, "PAGES" with its pages."""
    sys.path[:] = [str(tree)] + [p for p in sys.path if Path(p).resolve() != Path(__file__)
                                 .resolve().parent]
    os.chdir(tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    for name, value in {"SECRET_KEY": "benchmark-only-key", "DEBUG": "0", "ALLOW_HTTP": "1",
                        "ALLOW_CONSOLE_EMAIL": "1",
                        "ALLOWED_HOSTS": "testserver"}.items():
        os.environ.setdefault(name, value)
    import django

    django.setup()
    from apps.schools.models import School
    from bench.measure import current_cycles, pages, signed_in_senco

    school = School.objects.get(slug=f"bench-{os.environ.get('BENCH_SEED', 1)}-000")
    pupil = current_cycles(school, 1)[0].plan.pupil_id
    client = signed_in_senco(school)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "PAGES":
            print(json.dumps(pages(school, pupil)), flush=True)
            continue
        url, count = line.split()
        url = url.format(school=school.slug, pupil=pupil)
        times = []
        for _ in range(int(count)):
            started = time.perf_counter()
            status = client.get(url).status_code
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{url} answered {status} in {tree}")
        print(json.dumps(times), flush=True)


class Version:
    def __init__(self, tree: Path):
        self.tree = tree
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(tree)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True)
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit(f"the version in {tree} did not start")

    def ask(self, line: str):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit(f"the version in {self.tree} stopped")
        return json.loads(answer)

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("arguments", nargs="*", metavar="BEFORE AFTER [URL ...]",
                        help="the two versions' folders, then any pages")
    parser.add_argument("--rounds", type=int, default=20, help="3 requests a page a round")
    args = parser.parse_intermixed_args()
    if args.serve:
        return serve(Path(args.serve).resolve())
    if len(args.arguments) < 2:
        parser.error("give the two versions' folders")
    before, after = (Version(Path(folder).resolve()) for folder in args.arguments[:2])
    urls = {url: url for url in args.arguments[2:]} or after.ask("PAGES")
    for url in urls.values():
        before.ask(f"{url} {WARM}")
        after.ask(f"{url} {WARM}")
    times = {(version, url): [] for version in (before, after) for url in urls.values()}
    for round_ in range(args.rounds):
        first, second = (before, after) if round_ % 2 == 0 else (after, before)
        for url in urls.values():
            times[(first, url)] += first.ask(f"{url} 3")
            times[(second, url)] += second.ask(f"{url} 3")
    before.close()
    after.close()
    print(f"{'page':<36}{'before':>10}{'after':>10}{'after/before':>14}")
    for name, url in urls.items():
        old = statistics.median(times[(before, url)])
        new = statistics.median(times[(after, url)])
        print(f"{name[:35]:<36}{old:>10.2f}{new:>10.2f}{new / old:>14.3f}")


if __name__ == "__main__":
    main()
