"""A plan as shared with the parents: what they are shown, read from the cycle, and its
PDF, rendered once."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.plans.models import Cycle
from apps.plans.selectors import dose
from apps.plans.timetable import provision_timetable
from apps.schools.term_dates import school_calendar
from backend.pdf import render_pdf

from .models import PlanSnapshot


def snapshot_content(cycle: Cycle, parent_help: str) -> dict:
    """What the parents are shown: in plain words, strengths first. Read straight from the
    cycle (its outcomes, and its provision with the dose so far): the PDF's time should be
    WeasyPrint's."""
    pupil = cycle.plan.pupil
    school = pupil.school
    outcomes = list(cycle.outcomes.all())
    calendar = school_calendar(school)
    provisions = [(p, dose(p, calendar, cycle.closed_on))
                  for p in cycle.provisions.select_related("provision_type", "delivered_by")]
    return {
        "pupil": {"first_name": pupil.first_name, "full_name": pupil.full_name,
                  "year_group": pupil.get_year_group_display()},
        "school": {"name": school.name, "la_name": school.la_name},
        "cycle": {"number": cycle.number, "opened_on": cycle.opened_on.isoformat(),
                  "review_date": cycle.review_date.isoformat() if cycle.review_date else None},
        "strengths": cycle.strengths, "needs": cycle.needs,
        "pupil_views": cycle.pupil_views, "parent_views": cycle.parent_views,
        "outcomes": [{"description": o.description, "how_we_will_know": o.success_criteria}
                     for o in outcomes],
        "provision": [{
            "what": str(p.provision_type),
            "details": p.details or p.provision_type.description,
            "who": (str(p.delivered_by) if p.delivered_by
                    else p.get_staff_type_display()),
            "how_often": provision_timetable(p) if p.is_timetabled
            else "Arranged by the school",
            "from": p.start_date.isoformat(), "to": p.end_date.isoformat() if p.end_date else None,
            "planned_sessions": f"{so_far.planned_sessions:f}",
            "delivered_sessions": so_far.delivered_sessions,
        } for p, so_far in provisions],
        "parent_help": parent_help.strip(),
        "sendiass": {"name": school.sendiass_name, "phone": school.sendiass_phone,
                     "email": school.sendiass_email, "website": school.sendiass_website},
        "senco": {"name": school.senco_name, "email": school.senco_email,
                  "phone": school.senco_phone},
        "local_offer_url": school.local_offer_url,
        "complaints": school.complaints,
    }


def snapshot_render(*, snapshot_id: int) -> bool:
    """Render the snapshot's PDF and store it, once. Returns whether it rendered now."""
    with transaction.atomic():
        snapshot = PlanSnapshot.objects.select_for_update().get(pk=snapshot_id)
        if snapshot.pdf:
            return False
        body = render_pdf("parents/plan_pdf.html", {"plan": snapshot.content,
                                                    "shared_at": snapshot.shared_at})
        snapshot.pdf.save(f"plan-{snapshot.pk}.pdf", ContentFile(body), save=False)
        snapshot.pdf_rendered_at = timezone.now()
        snapshot.save(update_fields=["pdf", "pdf_rendered_at"])
    return True
