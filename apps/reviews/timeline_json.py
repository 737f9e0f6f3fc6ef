"""The timeline as the API's JSON (the page renders the same Timeline)."""

from .timeline import Timeline


def _person(user):
    return str(user) if user else None


def _date(value):
    return value.isoformat() if value else None


def _dose(d):
    return {"planned_sessions": int(d.planned_sessions), "planned_minutes": int(d.planned_minutes),
            "delivered_sessions": d.delivered_sessions, "delivered_minutes": d.delivered_minutes,
            "absent_sessions": d.absent_sessions, "cancelled_sessions": d.cancelled_sessions,
            "percent_of_planned_minutes": d.percent_of_planned_minutes}


def timeline_json(pupil, timeline: Timeline) -> dict:
    return {
        "pupil": {"id": pupil.pk, "name": pupil.full_name, "upn": pupil.upn},
        "plan": None if timeline.plan is None else {
            "id": timeline.plan.pk, "cycle_weeks": timeline.plan.cycle_weeks},
        "cycles": [
            {
                "id": entry.cycle.pk,
                "number": entry.cycle.number,
                "stage": entry.cycle.stage,
                "opened_on": _date(entry.cycle.opened_on),
                "review_date": _date(entry.cycle.review_date),
                "closed_on": _date(entry.cycle.closed_on),
                "stages": [{"stage": s.stage, "began_at": s.began_at.isoformat(),
                            "moved_by": _person(s.moved_by)} for s in entry.stages],
                "assess": {
                    "needs": entry.cycle.needs, "strengths": entry.cycle.strengths,
                    "pupil_views": entry.cycle.pupil_views,
                    "parent_views": entry.cycle.parent_views,
                    "assessments": [{"date": _date(a.date), "source": a.source,
                                     "measure": a.measure, "score": a.score}
                                    for a in entry.assessments],
                    "specialist_advice": [{"source": a.get_source_display(),
                                           "date": _date(a.date), "author": a.author,
                                           "summary": a.summary}
                                          for a in entry.specialist_advice],
                    "files": [{"id": f.pk, "title": f.title} for f in entry.files],
                },
                "outcomes": [
                    {"id": o.outcome.pk, "description": o.outcome.description,
                     "success_criteria": o.outcome.success_criteria,
                     "measure": o.outcome.measure,
                     "baseline": o.outcome.baseline, "target": o.outcome.target,
                     "target_date": _date(o.outcome.target_date),
                     "owner": _person(o.outcome.owner),
                     "carried_from": o.outcome.carried_from_id,
                     "provisions": o.provision_ids,
                     "rating": o.rating.rating if o.rating else None,
                     "evidence": o.rating.evidence if o.rating else None,
                     "achieved_value": o.rating.achieved_value if o.rating else None}
                    for o in entry.outcomes
                ],
                "provisions": [
                    {"id": p.provision.pk, "intervention": str(p.provision.provision_type),
                     "details": p.provision.details,
                     "staff_type": p.provision.staff_type,
                     "delivered_by": _person(p.provision.delivered_by),
                     "sessions_per_week": p.provision.sessions_per_week,
                     "minutes_per_session": p.provision.minutes_per_session,
                     "group_size": p.provision.group_size,
                     "fixed_cost": p.provision.fixed_cost,
                     "start_date": _date(p.provision.start_date),
                     "end_date": _date(p.provision.end_date),
                     "dose": _dose(p.dose),
                     "impact": p.impact.impact if p.impact else None,
                     "impact_comment": p.impact.comment if p.impact else None}
                    for p in entry.provisions
                ],
                "dose": _dose(entry.dose),
                "review": None if entry.review is None else {
                    "held_on": _date(entry.review.held_on),
                    "attendees": entry.review.attendees,
                    "parents_attended": entry.review.parents_attended,
                    "pupil_views": entry.review.pupil_views,
                    "parent_views": entry.review.parent_views,
                    "next_step": entry.review.next_step,
                    "next_step_reason": entry.review.next_step_reason,
                },
                "quality": [{"code": a.code, "message": a.message} for a in entry.advice],
            }
            for entry in timeline.cycles
        ],
    }
