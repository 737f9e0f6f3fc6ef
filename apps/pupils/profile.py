"""The one-page profile (pupil passport): the current version, writing a new one, and the
history of who changed what, and when. Every save adds a version (models.Profile); a
save made from an older version than the current one is refused, so two people editing
at once cannot both win."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Profile, Pupil
from .rules import PROFILE_SECTION_MAX, PROFILE_SECTIONS
from .services import ensure_on_roll

SECTIONS = [name for name, _, _ in PROFILE_SECTIONS]
HEADINGS = {name: heading for name, heading, _ in PROFILE_SECTIONS}
FIELDS = (*SECTIONS, "written_with")


def current_profile(pupil: Pupil) -> Profile | None:
    return Profile.objects.filter(pupil=pupil).select_related("written_by").first()


def current_profiles(pupil_ids) -> dict[int, Profile]:
    """Each pupil's current profile, for a page of pupils: one query."""
    latest: dict[int, Profile] = {}
    for profile in (Profile.objects.filter(pupil__in=pupil_ids).select_related("pupil")
                    .order_by("pupil", "-version")):
        latest.setdefault(profile.pupil_id, profile)
    return latest


@transaction.atomic
def profile_save(*, pupil: Pupil, actor, based_on: int | None = None, **fields) -> Profile:
    """Write a new version of the pupil's profile. ``based_on``: the version the writer
    started from (0 for none); if another has been saved since, nothing is saved."""
    ensure_on_roll(pupil)
    Pupil.objects.select_for_update().filter(pk=pupil.pk).exists()  # one writer at a time
    current = current_profile(pupil)
    if based_on is not None and based_on != (current.version if current else 0):
        who = current.written_by or "Someone"
        raise ValidationError(
            f"{who} saved a new version of this profile while you were writing. Nothing "
            "you entered has been saved: read their version, then make your change again.",
            code="stale")
    values = {}
    errors = {}
    for name in FIELDS:
        if name not in fields:
            raise TypeError(f"profile_save() needs {name!r}")
        value = (fields.pop(name) or "").replace("\r\n", "\n").strip()
        limit = PROFILE_SECTION_MAX if name in SECTIONS else 200
        if len(value) > limit:
            errors[name] = [f"Keep this to {limit:,} characters or fewer, so that the profile "
                            f"fits on one page; it is {len(value):,}."]
        values[name] = value
    if fields:
        raise TypeError(f"profile_save() got unexpected fields {sorted(fields)}")
    if not any(values[name] for name in SECTIONS):
        errors.setdefault("about_me", []).append("Write at least one section.")
    if errors:
        raise ValidationError(errors)
    if current and all(getattr(current, name) == values[name] for name in FIELDS):
        return current  # nothing changed: no new version
    return Profile.objects.create(school=pupil.school, pupil=pupil,
                                  version=current.version + 1 if current else 1,
                                  written_by=actor, **values)


@dataclass(frozen=True)
class ProfileChange:
    profile: Profile
    changed: list[str]  # the headings of the sections changed from the version before


def profile_history(pupil: Pupil) -> list[ProfileChange]:
    """Every version, newest first, with what it changed."""
    versions = list(Profile.objects.filter(pupil=pupil).select_related("written_by"))
    changes = []
    for profile, before in zip(versions, [*versions[1:], None], strict=True):
        changed = [HEADINGS[name] for name in SECTIONS
                   if before is None and getattr(profile, name)
                   or before is not None and getattr(profile, name) != getattr(before, name)]
        if before is not None and profile.written_with != before.written_with:
            changed.append("Written with")
        changes.append(ProfileChange(profile, changed))
    return changes


@dataclass(frozen=True)
class Section:
    name: str
    heading: str
    text: str

    @property
    def own_words(self) -> bool:
        return self.name == "own_words"


def sections_of(profile: Profile) -> list[Section]:
    """The profile's sections with their headings, "In Maya's own words" included."""
    first_name = profile.pupil.preferred_first_name or profile.pupil.first_name
    return [Section(name, f"In {first_name}'s own words" if name == "own_words" else heading,
                    getattr(profile, name))
            for name, heading, _ in PROFILE_SECTIONS]
