"""The MIS import at the size of a large school: how long the preview and the apply of a
2,000-row CSV take on PostgreSQL (``make bench`` runs it; so can
``.venv/bin/python bench/import_measure.py``). The budget is ``BUDGET_SECONDS`` for each.

A fresh database (BENCH_DATABASE_URL with ``_import``), one school with its SENCO, and a
SIMS-style export made by ``apps.demo.mis_export`` (one pupil in five on SEN support, each
with a parent contact). The apply runs as the Celery task would, in this process.
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from apps.accounts.models import User  # noqa: E402
from apps.demo.mis_export import mis_export  # noqa: E402
from apps.pupils import imports, mis_import  # noqa: E402
from apps.pupils.models import Pupil, PupilImport  # noqa: E402
from apps.schools.models import Membership, School  # noqa: E402
from apps.schools.roles import Role  # noqa: E402
from apps.schools.tenancy import school_scope  # noqa: E402

ROWS = 2000
BUDGET_SECONDS = 20


def main() -> dict:
    school = School.objects.create(name="Bench import school", slug="bench-import",
                                   urn="990999", la_code="801", la_name="Bench",
                                   phase=School.Phase.ALL_THROUGH)
    senco = User.objects.create_user("senco@bench-import.example")
    Membership.objects.create(user=senco, school=school, role=Role.SENCO)
    data = mis_export(rows=ROWS, year_groups=list(range(0, 12)), la_code="801",
                      estab="2999", today=datetime.date(2026, 11, 30), seed=7).encode()
    with school_scope(school):
        started = time.perf_counter()
        pupil_import = imports.import_start(school=school, actor=senco,
                                            file_name="bench.csv", data=data)
        preview = time.perf_counter() - started
        PupilImport.objects.filter(pk=pupil_import.pk).update(status="queued")
        started = time.perf_counter()
        done = mis_import.import_apply(import_id=pupil_import.pk)
        apply = time.perf_counter() - started
        assert done.status == "done", done.message
        assert Pupil.objects.count() == ROWS
    return {"rows": ROWS, "preview_seconds": round(preview, 2),
            "apply_seconds": round(apply, 2), "budget_seconds": BUDGET_SECONDS}


if __name__ == "__main__":
    print(json.dumps(main()))
