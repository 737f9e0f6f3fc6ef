"""The benchmark data generator: rows the application accepts, the same from the same seed,
and pages that work on them; only under the benchmark's settings, and never into a
database with a school of its own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction

from apps.plans.models import Cycle
from apps.pupils.models import Pupil
from apps.schools.models import School
from apps.schools.tenancy import dangerously_all_schools, school_scope
from bench.generate import MODELS
from bench.management.commands.generate_data import Command as GenerateData

pytestmark = pytest.mark.django_db


def generate(seed=7, **options):
    args = {"schools": 2, "sen_pupils": 4, "other_pupils": 2, "years": 2, "seed": seed}
    # The command is the benchmark's (bench/settings.py installs it): called by its class.
    call_command(GenerateData(), stdout=open("/dev/null", "w"), **(args | options))


def fingerprint(seed) -> dict:
    """What a run made, in terms that do not depend on ids."""
    with dangerously_all_schools():
        schools = School.objects.filter(slug__startswith=f"bench-{seed}-")
        return {model._meta.label: model._base_manager.filter(school__in=schools).count()
                for model in MODELS if "school" in [f.name for f in model._meta.fields]} | {
            "sessions": sorted(apps.get_model("plans.DeliveredSession")._base_manager.filter(
                school__in=schools).values_list("date", "minutes", "status"))}


def test_the_same_seed_makes_the_same_data():
    with transaction.atomic():
        generate()
        first = fingerprint(7)
        transaction.set_rollback(True)
    generate()
    assert fingerprint(7) == first
    assert first["plans.Cycle"] > 0 and first["plans.DeliveredSession"] > 0


def test_every_generated_row_passes_the_models_own_rules():
    generate()
    with dangerously_all_schools():
        for model in MODELS:
            for row in model._base_manager.order_by("pk")[:25]:
                row.full_clean(validate_unique=False)


def test_every_generated_provision_and_cycle_has_the_tally_of_its_sessions():
    from apps.plans.models import Cycle, Provision
    from apps.plans.services import recount_sessions

    generate()
    with dangerously_all_schools():
        tallies = list(Provision.objects.order_by("pk").values_list(*Provision.TALLY))
        minutes = list(Cycle.objects.order_by("pk").values_list("delivered_minutes", flat=True))
        assert any(delivered for delivered, *_ in tallies)
        Cycle.objects.update(delivered_minutes=0)
        recount_sessions(Provision.objects.all())
        assert list(Provision.objects.order_by("pk").values_list(*Provision.TALLY)) == tallies
        assert list(Cycle.objects.order_by("pk").values_list("delivered_minutes",
                                                             flat=True)) == minutes


def test_every_generated_closed_cycle_keeps_the_counts_of_its_ratings():
    from django.db.models import Count, Q

    from apps.plans.models import Cycle
    from apps.reviews.rules import UNACHIEVED

    generate()
    with dangerously_all_schools():
        closed = Cycle.objects.filter(stage="closed").order_by("pk")
        kept = list(closed.values_list("pk", "rated_outcomes", "unachieved_outcomes"))
        counted = list(closed.annotate(
            rated=Count("outcomes__ratings"),
            unachieved=Count("outcomes__ratings",
                             filter=Q(outcomes__ratings__rating__in=UNACHIEVED)))
            .values_list("pk", "rated", "unachieved"))
        assert kept and any(unachieved for _, _, unachieved in kept)
        assert kept == counted


def test_cost_to_date_is_what_each_delivered_session_costs():
    from fractions import Fraction

    from django.utils import timezone

    from apps.money.costing import session_cost
    from apps.money.selectors import (
        ENDED_BY,
        TIMETABLE_FIELDS,
        delivered_costs,
        timetable,
        year_rules,
    )
    from apps.plans.models import DeliveredSession, Provision
    from apps.schools.calendar import Period

    generate()
    school = School.objects.get(slug="bench-7-000")
    with school_scope(school):
        rules_ = year_rules(school)
        to_date = Period(rules_.period.start, min(rules_.period.end, timezone.localdate()))
        provisions = Provision.objects.all()
        timetables = {row["id"]: timetable(row) for row in provisions.values(
            "id", *TIMETABLE_FIELDS, *ENDED_BY)}
        one_by_one: dict[int, Fraction] = {}
        for session in DeliveredSession.objects.filter(
                status="delivered", date__range=(to_date.start, to_date.end)):
            one_by_one[session.provision_id] = one_by_one.get(
                session.provision_id, Fraction(0)) + session_cost(
                timetables[session.provision_id], session.minutes, session.date, rules_.rates)
        grouped = delivered_costs(provisions, timetables, to_date, rules_.rates)
    assert one_by_one and grouped == one_by_one


def test_a_second_run_with_the_same_seed_is_refused():
    generate()
    with pytest.raises(Exception, match="use another --seed"):
        generate()


def test_the_pages_work_on_generated_data(client):
    generate()
    from django.contrib.auth import get_user_model

    from .two_factor import prove_second_step

    school = School.objects.get(slug="bench-7-000")
    senco = get_user_model().objects.get(email="senco@bench-7-000.example")
    client.force_login(senco)
    prove_second_step(client, senco)
    with school_scope(school):
        pupil = Pupil.objects.filter(plans__isnull=False).first()
        assert Cycle.objects.exclude(stage="closed").count() == 4  # one open cycle each
    for url in [f"/s/{school.slug}/pupils/", f"/s/{school.slug}/pupils/{pupil.pk}/",
                f"/s/{school.slug}/pupils/{pupil.pk}/timeline/",
                f"/s/{school.slug}/money/provision-map/", f"/s/{school.slug}/meetings/"]:
        assert client.get(url).status_code == 200, url


def test_a_batch_that_fails_is_raised_and_nothing_of_it_is_kept():
    """On PostgreSQL the batches are copied on a second thread: its error still reaches the
    generator, and the transaction it was in is rolled back."""
    from django.db import DatabaseError, connection

    from apps.schools.models import Trust
    from bench.bulk import Table, Writer

    failure = DatabaseError
    if connection.vendor == "postgresql":
        import psycopg

        failure = psycopg.errors.UniqueViolation
    with pytest.raises(failure), transaction.atomic(), Writer() as writer:
        trusts = Table(Trust, writer)
        first = trusts.add(name="Kept only if the batch is")
        trusts.add(id=first, name="The same id again")
        trusts.flush()
        writer.wait()
    assert not Trust.objects.filter(name="Kept only if the batch is").exists()


def test_a_row_without_a_required_value_is_refused_before_it_is_queued():
    from apps.schools.models import School
    from bench.bulk import Table, Writer

    with transaction.atomic(), Writer() as writer:
        schools = Table(School, writer)
        with pytest.raises(ValueError, match="School.slug has no value"):
            schools.add(name="No slug", urn="999998", la_code="801", la_name="Benchmark LA",
                        phase="primary")
        assert schools.rows == []


def catalog(sql: str) -> list:
    """Rows from PostgreSQL's catalog, to compare before and after a load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def foreign_keys() -> list:
    return catalog("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), "
                   "condeferrable, condeferred, convalidated FROM pg_constraint "
                   "WHERE contype = 'f' ORDER BY 1, 2")


def test_foreign_keys_are_all_back_after_a_load_and_a_broken_one_fails_it():
    """On PostgreSQL the generator drops the foreign keys of the tables it fills and creates
    them again at the end, in its transaction: each is then checked once, for the table."""
    from django.db import connection

    from apps.schools.models import School, Trust
    from bench.bulk import Table, Writer, foreign_keys_checked_at_end

    if connection.vendor != "postgresql":
        pytest.skip("foreign keys are dropped and created again on PostgreSQL only")
    before = foreign_keys()
    generate()
    assert foreign_keys() == before
    with pytest.raises(Exception, match="foreign key"), transaction.atomic(), \
            foreign_keys_checked_at_end([Trust, School]), Writer() as writer:
        schools = Table(School, writer)
        schools.add(name="Of no trust", slug="of-no-trust", urn="999999", la_code="801",
                    la_name="Benchmark LA", phase="primary", trust_id=10 ** 9)
        schools.flush()
        writer.wait()
    assert foreign_keys() == before
    assert not School.objects.filter(slug="of-no-trust").exists()



def indexes() -> list:
    return catalog("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), "
                   "indisvalid, indisready FROM pg_index "
                   "WHERE indrelid::regclass::text NOT LIKE 'pg_%' ORDER BY 1")


def test_indexes_are_all_back_after_a_load_and_an_error_keeps_them():
    """On PostgreSQL the generator drops the indexes that back no constraint and builds
    them again over the loaded tables, in its transaction."""
    from django.db import connection

    from apps.plans.models import DeliveredSession
    from bench.bulk import indexes_built_at_end

    if connection.vendor != "postgresql":
        pytest.skip("indexes are dropped and built again on PostgreSQL only")
    before = indexes()
    assert any("session_school_date" in name for name, *_ in before)
    generate()
    assert indexes() == before
    with pytest.raises(RuntimeError, match="stopped"), transaction.atomic(), \
            indexes_built_at_end([DeliveredSession]):
        assert not any("session_school_date" in name for name, *_ in indexes())
        raise RuntimeError("stopped half way")
    assert indexes() == before


def test_the_meetings_list_pages_with_those_at_risk_first(client):
    """A large caseload: 50 pupils a page, missed and at-risk pupils before those on
    track, and every pupil on exactly one page."""
    import re

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from apps.parents.models import ParentMeeting
    from apps.reviews.models import Review
    from apps.schools.calendar import school_year

    from .two_factor import prove_second_step

    generate(seed=8, schools=1, sen_pupils=55, other_pupils=0, years=1)
    school = School.objects.get(slug="bench-8-000")
    with school_scope(school):  # the last three by name: no meeting until the year's end
        last = list(Pupil.objects.order_by("-last_name", "-first_name")[:3])
        Review.objects.filter(cycle__plan__pupil__in=last).update(parents_attended=False)
        ParentMeeting.objects.filter(pupil__in=last).delete()
        for pupil in last:
            ParentMeeting.objects.create(school=school, pupil=pupil, kind="informal",
                                         held=False,
                                         date=school_year(timezone.localdate()).end)
    senco = get_user_model().objects.get(email="senco@bench-8-000.example")
    client.force_login(senco)
    prove_second_step(client, senco)
    url = "/s/bench-8-000/meetings/"
    pages = [client.get(url).content.decode(), client.get(url, {"page": 2}).content.decode()]
    assert "Page 1 of 2" in pages[0] and 'rel="next"' in pages[0]
    rows = [re.findall(r'<tr class="govuk-table__row"><th scope="row".*?</tr>', page,
                       re.S) for page in pages]
    assert [len(page) for page in rows] == [50, 5]
    states = ["on track" if "On track" in row else "needs action"
              for page in rows for row in page]
    assert states == sorted(states, key=lambda s: s == "on track")
    assert states[:3] == ["needs action"] * 3 and set(states[3:]) == {"on track"}
    pupils = [int(re.search(r"/pupils/(\d+)/", row).group(1)) for page in rows for row in page]
    assert len(set(pupils)) == 55 and set(pupils[:3]) == {pupil.pk for pupil in last}
    with school_scope(school):  # by name within each state
        by_name = list(Pupil.objects.order_by("last_name", "first_name", "pk")
                       .values_list("pk", flat=True))
    assert pupils == by_name[-3:] + by_name[:-3]


def test_the_provision_map_lists_pupils_fifty_a_page_and_totals_the_school(client):
    """A large school's map: the totals are the whole school's on every page, the table
    by pupil shows 50 a page, by name, and every pupil is on exactly one page."""
    import re

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from .two_factor import prove_second_step

    generate(seed=9, schools=1, sen_pupils=55, other_pupils=0, years=1)
    senco = get_user_model().objects.get(email="senco@bench-9-000.example")
    client.force_login(senco)
    prove_second_step(client, senco)
    url = "/s/bench-9-000/money/provision-map/"
    pages = [client.get(url).content.decode(), client.get(url, {"page": 2}).content.decode()]

    def by_pupil(page):
        table = page.split('By pupil</caption>')[1].split("</table>")[0]
        return re.findall(r'<th scope="row" class="govuk-table__header">(.*?)</th>', table)

    def totals(page):
        return re.search(r'<dl class="govuk-summary-list">.*?</dl>', page, re.S).group(0)

    names = [by_pupil(page) for page in pages]
    counted = int(re.search(r"for (\d+) pupils", pages[0]).group(1))
    assert [len(n) for n in names] == [50, counted - 50] and counted > 50
    assert names[0] + names[1] == sorted(names[0] + names[1])
    assert len(set(names[0] + names[1])) == counted
    assert totals(pages[0]) == totals(pages[1])
    assert "Pupils 1 to 50 of" in pages[0] and "Page 1 of 2" in pages[0]
    today = timezone.localdate().isoformat()
    chosen = client.get(url, {"year": today}).content.decode()
    assert f"?year={today}&amp;page=2" in chosen


def test_the_application_itself_has_no_generator(tmp_path):
    env = {"PATH": os.environ["PATH"], "SECRET_KEY": "x" * 50, "VAR_DIR": str(tmp_path),
           "ALLOW_CONSOLE_EMAIL": "1", "DJANGO_SETTINGS_MODULE": "backend.settings"}
    result = subprocess.run([sys.executable, "manage.py", "generate_data", "--help"],
                            cwd=Path(__file__).resolve().parents[1], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Unknown command: 'generate_data'" in result.stderr


def test_a_database_with_a_school_of_its_own_is_refused(school_a):
    with pytest.raises(CommandError, match="schools that were not generated"):
        generate()
    with dangerously_all_schools():
        assert not School.objects.filter(slug__startswith="bench-").exists()
