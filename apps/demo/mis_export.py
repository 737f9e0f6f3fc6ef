"""A made-up MIS export of pupils, as SIMS or Arbor would give it: the sample file under
tests/data/ and the import benchmark's files are made with it. Names come from Faker;
no row is a real child."""

import csv
import datetime
import io
import random

from faker import Faker

from apps.pupils.csv_columns import COLUMNS, PROFILES
from apps.pupils.rules import NeedType

from .registers import date_of_birth_for, make_upn

NEEDS = [code for code in NeedType.values if code != NeedType.NSA]
RELATIONSHIPS = ["Mother", "Father", "Grandparent", "Foster carer", "Carer"]


def mis_export(*, rows: int, year_groups: list[int], profile: str = "sims",
               la_code: str = "801", estab: str = "2001", today: datetime.date,
               seed: int = 1) -> str:
    """CSV text: a heading row in ``profile``'s headings, then ``rows`` pupils; one in
    five on SEN support (K) and one in fifty with an EHC plan (E), each with a need, and a
    parent contact with an e-mail address."""
    fake, rng = Faker("en_GB"), random.Random(seed)
    fake.seed_instance(seed)
    headings = PROFILES[profile]
    keys = [column.key for column in COLUMNS if column.key in headings
            and not column.key.startswith("contact2")]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([headings[key][0] for key in keys])
    for serial in range(1, rows + 1):
        year = year_groups[serial % len(year_groups)]
        first, last = fake.first_name(), fake.last_name()
        draw = rng.random()
        status = "E" if draw < 0.02 else "K" if draw < 0.2 else "N"
        need = rng.choice(NEEDS) if status != "N" else ""
        since = today - datetime.timedelta(days=rng.randrange(30, 700)) if need else None
        parent_first = fake.first_name()
        values = {
            "upn": make_upn(la_code, estab, 10 + serial // 1000, serial % 1000),
            "first_name": first, "last_name": last,
            "preferred_first_name": "", "preferred_last_name": "",
            "date_of_birth": date_of_birth_for(year, today, rng).strftime("%d/%m/%Y"),
            "year_group": "R" if year == 0 else str(year),
            "class_name": f"{'R' if year == 0 else year}{'ABC'[serial % 3]}",
            "sen_status": status,
            "sen_status_since": since.strftime("%d/%m/%Y") if since else "",
            "primary_need": need, "secondary_need": "",
            "contact1_name": f"{parent_first} {last}",
            "contact1_email": f"{parent_first.lower()}.{last.lower()}.{serial}@home.example",
            "contact1_relationship": rng.choice(RELATIONSHIPS),
        }
        writer.writerow([values[key] for key in keys])
    return out.getvalue()
