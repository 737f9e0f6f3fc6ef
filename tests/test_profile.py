"""The one-page profile (pupil passport): written in versions that never change, with who
changed what and when; text, never markup; one A4 page even when every section is full;
shared with the parents like a plan, with an e-mail that links it."""

import html
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from apps.parents import services as parents
from apps.parents.models import SharedProfile
from apps.pupils import profile
from apps.pupils.models import Profile
from apps.pupils.rules import PROFILE_SECTION_MAX
from apps.schools.tenancy import school_scope

pytestmark = pytest.mark.django_db

EMPTY = dict.fromkeys(profile.FIELDS, "")


def written(world, **sections):
    with school_scope(world.school):
        return profile.profile_save(pupil=world.pupil, actor=world.senco,
                                    **(EMPTY | sections))


def page(world, name):
    return f"/s/{world.school.slug}/pupils/{world.pupil.pk}/profile/{name}"


def test_a_teacher_writes_the_profile_in_versions_with_who_changed_what(school_a, as_user):
    client = as_user(school_a.teacher)
    form = html.unescape(client.get(page(school_a, "edit/")).content.decode())
    assert f"In {school_a.pupil.first_name}'s own words" in form
    client.post(page(school_a, "edit/"), EMPTY | {
        "based_on": 0, "about_me": "I love trains.", "what_helps": "Sit me near the front.",
        "own_words": "i like it when its quiet", "written_with": "Tom and his dad"})
    client.post(page(school_a, "edit/"), EMPTY | {
        "based_on": 1, "about_me": "I love trains.", "what_helps": "A visual timetable.",
        "own_words": "i like it when its quiet", "written_with": "Tom and his dad"})
    with school_scope(school_a.school):
        versions = list(Profile.objects.filter(pupil=school_a.pupil))
        history = profile.profile_history(school_a.pupil)
    assert [v.version for v in versions] == [2, 1]
    assert versions[1].what_helps == "Sit me near the front."  # the old version stands
    assert history[0].changed == ["What helps me"]
    assert history[1].changed == ["About me", "What helps me", "In my own words"]
    shown = html.unescape(client.get(page(school_a, "")).content.decode())
    assert "A visual timetable." in shown and "“i like it when its quiet”" in shown
    listed = client.get(page(school_a, "history/")).content.decode()
    assert school_a.teacher.get_full_name() in listed and "What helps me" in listed


def test_an_edit_from_an_older_version_is_refused_and_nothing_saved(school_a, as_user):
    written(school_a, about_me="First")
    written(school_a, about_me="Second")
    response = as_user(school_a.teacher).post(page(school_a, "edit/"),
                                              EMPTY | {"based_on": 1, "about_me": "Stale"})
    assert "while you were writing" in response.content.decode()
    with school_scope(school_a.school):
        assert profile.current_profile(school_a.pupil).about_me == "Second"


def test_too_long_or_empty_is_refused_and_markup_is_only_text(school_a, as_user):
    with school_scope(school_a.school), pytest.raises(ValidationError) as refused:
        profile.profile_save(pupil=school_a.pupil, actor=school_a.senco,
                             **(EMPTY | {"about_me": "x" * (PROFILE_SECTION_MAX + 1)}))
    assert "fits on one page" in str(refused.value.message_dict["about_me"])
    with pytest.raises(ValidationError):
        written(school_a)
    written(school_a, about_me="<script>alert(1)</script><b>bold</b>")
    shown = as_user(school_a.senco).get(page(school_a, "")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in shown
    assert "<b>bold</b>" not in shown


def test_a_full_profile_prints_on_one_a4_page(school_a, as_user):
    full = "Every word counts here. " * (PROFILE_SECTION_MAX // 24)
    written(school_a, **{name: full[:PROFILE_SECTION_MAX] for name in profile.SECTIONS},
            written_with="Maya, her mum and Mr Jones")
    response = as_user(school_a.teacher).get(page(school_a, "pdf/"))
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) == 1
    assert "my one-page profile" in pdf.pages[0].extract_text()


def test_the_senco_shares_it_and_the_parent_reads_it(school_a, as_user,
                                                    django_capture_on_commit_callbacks):
    written(school_a, about_me="I love trains.", what_helps="Sit me near the front.")
    with django_capture_on_commit_callbacks(execute=True):
        as_user(school_a.senco).post(
            f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/profile/share/")
    with school_scope(school_a.school):
        shared = SharedProfile.objects.get()
        assert shared.parents_told_at is not None
    [message] = mail.outbox
    assert message.to == [school_a.parent.email] and message.attachments == []
    parent = as_user(school_a.parent)
    child = parent.get(f"/s/{school_a.school.slug}/family/{school_a.pupil.pk}/")
    assert "one-page profile, shared on" in child.content.decode()
    base = f"/s/{school_a.school.slug}/family/{school_a.pupil.pk}/profiles/{shared.pk}/"
    assert "Sit me near the front." in parent.get(base).content.decode()
    assert parent.get(f"{base}pdf/")["Content-Type"] == "application/pdf"
    # A teacher may write the profile but not share it; a parent may do neither.
    teacher = as_user(school_a.teacher)
    share = f"/s/{school_a.school.slug}/pupils/{school_a.pupil.pk}/profile/share/"
    assert teacher.post(share).status_code == 403
    assert as_user(school_a.parent).get(page(school_a, "")).status_code in (403, 404)


def test_nothing_to_share_before_a_profile_is_written(school_a):
    with school_scope(school_a.school), pytest.raises(ValidationError):
        parents.profile_share(pupil=school_a.pupil, actor=school_a.senco)


def test_the_api_lists_versions_and_writes_one_from_the_version_it_read(school_a, school_b,
                                                                        api_as):
    written(school_a, about_me="First")
    api = api_as(school_a.teacher)
    base = f"/api/v1/schools/{school_a.school.slug}/profiles/"
    listed = api.get(f"{base}?pupil={school_a.pupil.pk}").json()["results"]
    assert [row["version"] for row in listed] == [1] and listed[0]["about_me"] == "First"
    made = api.post(base, {"pupil": school_a.pupil.pk, "based_on": 1,
                           "about_me": "Second", "what_helps": "Short tasks"}, format="json")
    assert made.status_code == 201 and made.json()["version"] == 2
    stale = api.post(base, {"pupil": school_a.pupil.pk, "based_on": 1, "about_me": "Late"},
                     format="json")
    assert stale.status_code == 412
    too_long = api.post(base, {"pupil": school_a.pupil.pk, "about_me": "x" * 601},
                        format="json")
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["attr"] == "about_me"
    other = api.post(base, {"pupil": school_b.pupil.pk, "about_me": "x"}, format="json")
    assert other.status_code == 400  # another school's pupil is not a choice
    assert api_as(school_a.parent).get(base).status_code == 403
    with school_scope(school_a.school):
        assert profile.current_profile(school_a.pupil).about_me == "Second"
