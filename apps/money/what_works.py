"""What works and what it costs: for each intervention of the provision library, over one
budget year, the pupils who had it, the sessions delivered against those planned, the
outcomes it was meant to achieve that were rated achieved or exceeded, what it cost and
the cost of each outcome achieved (Code 6.76: the provision map "to review the impact of
provision on pupil progress"; 6.55: the effectiveness of the support is evaluated).

Counting rules (docs/money.md, "What works"):
- A provision counts if it runs on any day of the year (as the provision map counts it).
  Its cost is what was delivered in the year to today (costing.py through
  ``costed_provisions``): the figure the provision map shows as "delivered to date", so
  the two pages agree line by line.
- Sessions planned are those its timetable plans on the school days of the year to today
  that it runs (its dose counts the same way); delivered are the sessions recorded as
  delivered on those days. Provision without a timetable (a fixed
  cost) plans no sessions.
- Outcomes: those linked to the intervention's provisions (the plan says which provision
  is meant to achieve which outcome), each once per intervention, with the rating its
  review gave. An outcome linked to two interventions counts for both; in the total, once.
- Cost per outcome achieved: the cost divided by the outcomes achieved or exceeded, to
  the penny; none when no outcome is achieved.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count

from apps.plans.models import DeliveredSession, OutcomeProvision, Provision
from apps.plans.rules import SessionStatus
from apps.plans.selectors import exact
from apps.pupils.rules import need_types_in
from apps.reviews.models import OutcomeRating
from apps.reviews.rules import UNACHIEVED
from apps.schools.calendar import Period

from .costing import sessions_of, to_pence
from .rules import FEW_PUPILS
from .selectors import YearRules, costed_provisions

ZERO = Decimal("0.00")

# Said beside the figures wherever they are shown or downloaded.
WHAT_WORKS_CAVEAT = [
    f"Interventions with fewer than {FEW_PUPILS} pupils are marked: so few pupils say little "
    "about what works.",
    "Ratings are the teachers' judgements at each review, not test scores.",
    "An outcome linked to two interventions counts for both; the total counts it once.",
    "Cost is the support delivered this budget year to date, at the school's rates.",
]


@dataclass
class Intervention:
    name: str
    pupils: set[int] = field(default_factory=set)
    planned_sessions: Fraction = Fraction(0)
    delivered_sessions: int = 0
    ratings: dict[int, str] = field(default_factory=dict)  # outcome id -> rating
    cost: Decimal = ZERO

    def add(self, other: "Intervention") -> None:
        """Count ``other`` in too (a school's line in a trust's)."""
        self.pupils |= other.pupils
        self.planned_sessions += other.planned_sessions
        self.delivered_sessions += other.delivered_sessions
        self.ratings.update(other.ratings)
        self.cost += other.cost

    @property
    def pupil_count(self) -> int:
        return len(self.pupils)

    @property
    def few(self) -> bool:
        return self.pupil_count < FEW_PUPILS

    @property
    def planned(self) -> Decimal:
        return exact(self.planned_sessions)

    @property
    def delivered_percent(self) -> int | None:
        if not self.planned_sessions:
            return None
        return int(to_pence(Fraction(self.delivered_sessions * 100) / self.planned_sessions)
                   .to_integral_value())

    @property
    def rated(self) -> int:
        return len(self.ratings)

    @property
    def achieved(self) -> int:
        return sum(1 for rating in self.ratings.values() if rating not in UNACHIEVED)

    @property
    def cost_per_achieved(self) -> Decimal | None:
        return to_pence(Fraction(self.cost) / self.achieved) if self.achieved else None


@dataclass
class WhatWorks:
    year: Period
    until: datetime.date  # figures are to this day
    rows: list[Intervention]
    total: Intervention

    def about(self) -> list[tuple[str, datetime.date]]:
        """What the figures cover, for a download."""
        return [("Budget year from", self.year.start), ("Figures to", self.until)]


def what_works(rules_: YearRules, today: datetime.date, *, year_group: int | None = None,
               need_area: str | None = None) -> WhatWorks:
    """The figures for the budget year of ``rules_``, for the pupils in ``year_group`` and
    with a primary need in ``need_area``, if given. Four queries."""
    year = rules_.period
    until = min(today, year.end)
    provisions = Provision.objects.all()
    if year_group is not None:
        provisions = provisions.filter(cycle__plan__pupil__year_group=year_group)
    if need_area is not None:
        provisions = provisions.filter(cycle__plan__pupil__primary_need__in=need_types_in(
            need_area))
    costed = costed_provisions(provisions, rules_, today, "provision_type__name",
                               "cycle__plan__pupil_id")
    ids = [item.row["id"] for item in costed]
    delivered = dict(
        DeliveredSession.objects.filter(provision__in=ids, status=SessionStatus.DELIVERED,
                                        date__range=(year.start, until))
        .values("provision").annotate(n=Count("pk")).values_list("provision", "n"))
    outcomes: dict[int, list[int]] = {}
    for provision_id, outcome_id in OutcomeProvision.objects.filter(
            provision__in=ids).values_list("provision", "outcome"):
        outcomes.setdefault(provision_id, []).append(outcome_id)
    ratings = dict(OutcomeRating.objects.filter(
        outcome__in={o for linked in outcomes.values() for o in linked})
        .values_list("outcome", "rating"))
    by_name: dict[str, Intervention] = {}
    total = Intervention("All interventions")
    for item in costed:
        row = item.row
        planned = sessions_of(item.timetable, Period(year.start, until), rules_.calendar)
        rated = {o: ratings[o] for o in outcomes.get(row["id"], []) if o in ratings}
        for line in (by_name.setdefault(row["provision_type__name"],
                                        Intervention(row["provision_type__name"])), total):
            line.pupils.add(row["cycle__plan__pupil_id"])
            line.planned_sessions += planned
            line.delivered_sessions += delivered.get(row["id"], 0)
            line.ratings.update(rated)
            line.cost += item.cost.delivered
    return WhatWorks(year=year, until=until, total=total,
                     rows=sorted(by_name.values(), key=lambda line: line.name.casefold()))
