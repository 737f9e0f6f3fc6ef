"""Laying out a print run (printing.py) in the worker.

``print_render`` lays the pupils out a group at a time (``rules.PRINT_GROUP``), telling
the run's progress after each group, then writes the pages of every group as one PDF:
laid out in one process, so that the file is one tagged PDF (PDF/UA-1) that a screen
reader can follow, as every other PDF here is. If the broker was out of reach, or the
worker was lost, beat's sweep (``owed_runs``) sends the run again; a run that keeps
failing is marked as failed rather than tried for ever."""

import datetime
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from apps.parents.shared_plan import snapshot_content
from apps.pupils.models import Pupil
from apps.pupils.profile import current_profiles, sections_of
from apps.schools.models import School
from apps.schools.tasks import OWED_AFTER
from apps.schools.tenancy import school_scope
from backend.pdf import BASE_URL, StaticOnlyFetcher

from .bulk import open_cycles
from .models import PrintRun, PrintWhat
from .rules import PRINT_ATTEMPTS, PRINT_GROUP, PRINT_KEPT, PRINT_STALLED

logger = logging.getLogger(__name__)

TEMPLATES = {PrintWhat.PLANS: "caseload/print_plans_pdf.html",
             PrintWhat.PROFILES: "caseload/print_profiles_pdf.html"}
TITLES = {PrintWhat.PLANS: "Support plans", PrintWhat.PROFILES: "One-page profiles"}


def _group_html(run: PrintRun, pupil_ids: list[int], printed_on: datetime.date) -> str:
    """One group's pages as HTML, read now from the pupils' current records."""
    order = {pk: n for n, pk in enumerate(pupil_ids)}
    pupils = Pupil.objects.filter(pk__in=pupil_ids).select_related("school")
    title = f"{TITLES[PrintWhat(run.what)]}: {run.described}"
    if run.what == PrintWhat.PLANS:
        cycles = open_cycles(list(pupils))
        plans = [snapshot_content(cycles[pk], "") for pk in sorted(cycles, key=order.get)]
        return render_to_string(TEMPLATES[PrintWhat.PLANS], {
            "plans": plans, "printed_on": printed_on, "school": run.school, "title": title})
    profiles = current_profiles(pupil_ids)
    return render_to_string(TEMPLATES[PrintWhat.PROFILES], {
        "profiles": [(p, sections_of(p)) for p in sorted(profiles.values(),
                                                         key=lambda p: order[p.pupil_id])],
        "printed_on": printed_on, "school": run.school, "title": title})


def _claim(run_id: int) -> PrintRun | None:
    """Start (or start again) a run not yet finished; None if it is finished, or has been
    tried ``PRINT_ATTEMPTS`` times (then it is marked as failed)."""
    with transaction.atomic():
        run = PrintRun.objects.select_for_update().select_related("school").get(pk=run_id)
        if run.status in (PrintRun.Status.READY, PrintRun.Status.FAILED):
            return None
        if run.attempts >= PRINT_ATTEMPTS:
            run.status, run.finished_at = PrintRun.Status.FAILED, timezone.now()
            run.save(update_fields=["status", "finished_at"])
            return None
        run.status, run.done, run.attempts = PrintRun.Status.PRINTING, 0, run.attempts + 1
        run.progressed_at = timezone.now()
        run.save(update_fields=["status", "done", "attempts", "progressed_at"])
    return run


def _progress(run_id: int, done: int) -> None:
    PrintRun.objects.filter(pk=run_id).update(done=done, progressed_at=timezone.now())


def print_render(*, school: School, run_id: int) -> bool:
    """Lay out the run a group at a time, then write one PDF and store it. Each step is a
    transaction of its own in the school's scope, so the progress is seen as it moves.
    Returns whether it finished the run now."""
    with school_scope(school):
        run = _claim(run_id)
    if run is None:
        return False
    printed_on = timezone.localdate()
    documents = []
    try:
        for start in range(0, len(run.pupil_ids), PRINT_GROUP):
            group = run.pupil_ids[start:start + PRINT_GROUP]
            with school_scope(school), transaction.atomic():
                html = _group_html(run, group, printed_on)
            documents.append(HTML(string=html, base_url=BASE_URL,
                                  url_fetcher=StaticOnlyFetcher()).render(
                pdf_variant="pdf/ua-1"))
            with school_scope(school):
                _progress(run.pk, start + len(group))
        # One document of every group's pages (WeasyPrint's Document.copy), written once:
        # its tags describe the whole file.
        whole = documents[0].copy([page for document in documents for page in document.pages])
        body = whole.write_pdf(pdf_variant="pdf/ua-1")
    except OSError:
        raise  # the task tries again (a file or font that could not be read)
    except Exception:
        logger.exception("print run failed", extra={"run": run.pk, "school": school.pk})
        with school_scope(school):
            PrintRun.objects.filter(pk=run.pk).update(status=PrintRun.Status.FAILED,
                                                      finished_at=timezone.now())
        return False
    with school_scope(school), transaction.atomic():
        stored = PrintRun.objects.select_for_update().get(pk=run.pk)
        if stored.status != PrintRun.Status.PRINTING:
            return False  # finished meanwhile by another attempt
        stored.pdf.save(f"print-{stored.pk}.pdf", ContentFile(body), save=False)
        stored.pages, stored.status = len(whole.pages), PrintRun.Status.READY
        stored.done, stored.finished_at = len(run.pupil_ids), timezone.now()
        stored.save(update_fields=["pdf", "pages", "status", "done", "finished_at"])
    return True


def owed_runs(now: datetime.datetime) -> list[int]:
    """The school's runs still owed: waiting since before ``OWED_AFTER`` (the broker may
    have been out of reach when they were asked for), or printing but not moved for
    ``PRINT_STALLED`` (the worker was lost)."""
    return list(PrintRun.objects.filter(
        Q(status=PrintRun.Status.WAITING, requested_at__lt=now - OWED_AFTER)
        | Q(status=PrintRun.Status.PRINTING, progressed_at__lt=now - PRINT_STALLED))
        .values_list("pk", flat=True))


def prints_forget(now: datetime.datetime) -> int:
    """Delete the school's runs asked for more than ``PRINT_KEPT`` ago, with their PDFs.
    Returns how many were deleted."""
    old = list(PrintRun.objects.filter(requested_at__lt=now - PRINT_KEPT))
    for run in old:
        if run.pdf:
            run.pdf.delete(save=False)
        run.delete()
    return len(old)
