"""The columns a pupil import reads, and the headings each MIS export gives them.

A heading is matched ignoring case, spaces and punctuation ("Date of Birth", "DOB",
"date_of_birth" are the same to us when listed here). Headings no profile knows are shown
on the preview, where the SENCO says which of our columns each one is (or leaves it out).
docs/import.md lists every heading below, for each MIS.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False


COLUMNS = [
    Column("upn", "UPN", required=True),
    Column("first_name", "Legal first name", required=True),
    Column("last_name", "Legal last name", required=True),
    Column("preferred_first_name", "Preferred first name"),
    Column("preferred_last_name", "Preferred last name"),
    Column("date_of_birth", "Date of birth", required=True),
    Column("year_group", "Year group", required=True),
    Column("class_name", "Registration group"),
    Column("sen_status", "SEN status"),
    Column("sen_status_since", "SEN status start date"),
    Column("primary_need", "Primary need"),
    Column("secondary_need", "Secondary need"),
    Column("contact1_name", "Contact 1 name"),
    Column("contact1_email", "Contact 1 e-mail"),
    Column("contact1_relationship", "Contact 1 relationship"),
    Column("contact2_name", "Contact 2 name"),
    Column("contact2_email", "Contact 2 e-mail"),
    Column("contact2_relationship", "Contact 2 relationship"),
]
COLUMN_LABELS = {column.key: column.label for column in COLUMNS}
REQUIRED = [column.key for column in COLUMNS if column.required]
CONTACTS = ("contact1", "contact2")

# Our own template's headings are the labels above. Each MIS profile: our column -> the
# headings that export uses for it.
PROFILES: dict[str, dict[str, list[str]]] = {
    "template": {column.key: [column.label] for column in COLUMNS},
    # SIMS (Capita/ESS): a student list or report built in Report Designer with these
    # fields; SIMS names the registration group "Reg Group" and the year "Year".
    "sims": {
        "upn": ["UPN"],
        "first_name": ["Legal Forename", "Forename"],
        "last_name": ["Legal Surname", "Surname"],
        "preferred_first_name": ["Preferred Forename"],
        "preferred_last_name": ["Preferred Surname"],
        "date_of_birth": ["DOB", "Date of Birth"],
        "year_group": ["Year", "NC Year Actual", "Year Group"],
        "class_name": ["Reg Group", "Reg", "Registration Group"],
        "sen_status": ["SEN Status", "SEN Provision"],
        "sen_status_since": ["SEN Start Date", "SEN Provision Start Date"],
        "primary_need": ["SEN Need Type 1", "Primary Need", "SEN Need Type Rank 1"],
        "secondary_need": ["SEN Need Type 2", "Secondary Need", "SEN Need Type Rank 2"],
        "contact1_name": ["Priority 1 Contact Name", "Primary Contact Name"],
        "contact1_email": ["Priority 1 Contact Email", "Primary Contact Email"],
        "contact1_relationship": ["Priority 1 Contact Relationship",
                                  "Primary Contact Relationship"],
        "contact2_name": ["Priority 2 Contact Name"],
        "contact2_email": ["Priority 2 Contact Email"],
        "contact2_relationship": ["Priority 2 Contact Relationship"],
    },
    # Arbor: a custom report of students with these columns.
    "arbor": {
        "upn": ["UPN"],
        "first_name": ["Legal first name", "First name"],
        "last_name": ["Legal last name", "Last name"],
        "preferred_first_name": ["Preferred first name"],
        "preferred_last_name": ["Preferred last name"],
        "date_of_birth": ["Date of birth"],
        "year_group": ["Year group", "Year"],
        "class_name": ["Registration form", "Registration group", "Form"],
        "sen_status": ["SEN status", "SEN category"],
        "sen_status_since": ["SEN status start date", "SEN start date"],
        "primary_need": ["Primary SEN need", "Primary SEN type"],
        "secondary_need": ["Secondary SEN need", "Secondary SEN type"],
        "contact1_name": ["Primary contact name", "Contact 1 name"],
        "contact1_email": ["Primary contact email", "Contact 1 email"],
        "contact1_relationship": ["Primary contact relationship", "Contact 1 relationship"],
        "contact2_name": ["Secondary contact name", "Contact 2 name"],
        "contact2_email": ["Secondary contact email", "Contact 2 email"],
        "contact2_relationship": ["Secondary contact relationship",
                                  "Contact 2 relationship"],
    },
}
PROFILE_LABELS = {"template": "This service's template", "sims": "SIMS", "arbor": "Arbor"}


def squash(heading: str) -> str:
    """A heading reduced to lower-case letters and digits, for matching."""
    return re.sub(r"[^a-z0-9]", "", heading.lower())


KNOWN_HEADINGS: dict[str, str] = {
    squash(heading): key
    for profile in PROFILES.values() for key, headings in profile.items()
    for heading in headings
}


def guess_mapping(headings: list[str]) -> dict[str, str]:
    """Each heading -> our column, where a profile knows it ("" where none does). A column
    claimed by an earlier heading is not given to a later one."""
    mapping, taken = {}, set()
    for heading in headings:
        key = KNOWN_HEADINGS.get(squash(heading), "")
        if key in taken:
            key = ""
        taken.add(key)
        mapping[heading] = key
    return mapping
