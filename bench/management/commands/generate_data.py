"""Generated data at a given scale for the benchmark, e.g.
``DJANGO_SETTINGS_MODULE=bench.settings manage.py generate_data --schools 50 --sen-pupils 300
--years 4``. Deterministic from --seed; each school in its own transaction; prints how many
rows it wrote and how fast.

Only the benchmark's settings install this command, and it refuses a database that holds
any school it did not generate: while it loads, it lifts row-level security and drops the
tables' indexes and foreign keys."""

import time

from auditlog.context import disable_auditlog
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.schools.models import School
from apps.schools.tenancy import dangerously_all_schools
from bench.bulk import (
    Writer,
    foreign_keys_checked_at_end,
    indexes_built_at_end,
    triggers_off,
)
from bench.generate import MODELS, Generator

# Every generated school's slug starts so: "bench-<seed>-<number>".
GENERATED = "bench-"


class Command(BaseCommand):
    help = "Generate benchmark data: schools, registers and years of APDR history."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=1)
        parser.add_argument("--sen-pupils", type=int, default=30,
                            help="pupils on SEN support in each school")
        parser.add_argument("--other-pupils", type=int, default=None,
                            help="pupils not on the SEN register (default: as many)")
        parser.add_argument("--years", type=int, default=1)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, schools, sen_pupils, other_pupils, years, seed, **options):
        if min(schools, sen_pupils, years) < 1:
            raise CommandError("--schools, --sen-pupils and --years must be at least 1.")
        other_pupils = sen_pupils if other_pupils is None else other_pupils
        if School.objects.exclude(slug__startswith=GENERATED).exists():
            raise CommandError("This database holds schools that were not generated: "
                               "generate benchmark data only into a database of its own.")
        if School.objects.filter(slug__startswith=f"{GENERATED}{seed}-").exists():
            raise CommandError(f"Data for seed {seed} is here already: use another --seed.")
        started = time.perf_counter()
        with disable_auditlog(), dangerously_all_schools(), \
                foreign_keys_checked_at_end(MODELS), indexes_built_at_end(MODELS), \
                triggers_off(MODELS), Writer() as writer:
            generator = Generator(seed=seed, years=years, today=timezone.localdate(),
                                  writer=writer)
            for number in range(schools):
                with transaction.atomic():
                    generator.school(number, sen_pupils=sen_pupils, other_pupils=other_pupils)
            counts = generator.finish()
        seconds = time.perf_counter() - started
        for label, rows in counts.rows.items():
            self.stdout.write(f"  {label:32} {rows:>10,}")
        self.stdout.write(f"{counts.total:,} rows in {seconds:.1f} s "
                          f"({counts.total / seconds:,.0f} rows/s): {schools} schools x "
                          f"{sen_pupils} pupils on SEN support x {years} years, seed {seed}")
