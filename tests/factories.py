"""Factories for tests. School-owned rows are created inside their school's scope, as the
application itself would, so they also pass PostgreSQL's row-level security."""

import datetime
import functools

import factory
from django.contrib.auth.hashers import make_password
from stdnum.gb import upn as stdnum_upn

from apps.accounts.models import User
from apps.pupils.models import ParentLink, Pupil, SenProvisionRecord, StaffAssignment
from apps.pupils.rules import SenStatus
from apps.schools.models import Membership, School, Trust
from apps.schools.tenancy import school_scope


def valid_upn(n: int, la_code: str = "801") -> str:
    body = f"{la_code}2001{15 + n // 1000 % 10:02d}{n % 1000:03d}"
    return stdnum_upn.calc_check_digit(body) + body


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")
    slug = factory.Sequence(lambda n: f"school-{n}")
    urn = factory.Sequence(lambda n: f"{100000 + n}")
    la_code = "801"
    estab = "2001"
    la_name = "City of Bristol"
    phase = School.Phase.PRIMARY


PASSWORD = "correct-horse-battery"


@functools.cache
def password_hash() -> str:
    """Hash the test password once: the real hasher is slow on purpose."""
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.LazyFunction(password_hash)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = "senco"


class ScopedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with school_scope(kwargs["school"]):
            return super()._create(model_class, *args, **kwargs)


class PupilFactory(ScopedFactory):
    class Meta:
        model = Pupil
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    upn = factory.Sequence(valid_upn)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(2016, 10, 1)
    year_group = 4
    class_name = "4B"
    primary_need = ""

    @factory.post_generation
    def sen_status(obj, create, extracted, **kwargs):
        """Every pupil has one open SEN provision record: N unless given."""
        if create:
            SenProvisionRecordFactory(
                school=obj.school, pupil=obj, status=extracted or SenStatus.NO_SEN
            )


class SenProvisionRecordFactory(ScopedFactory):
    class Meta:
        model = SenProvisionRecord

    school = factory.SelfAttribute("pupil.school")
    pupil = factory.SubFactory(PupilFactory)
    status = SenStatus.NO_SEN
    started_on = datetime.date(2024, 9, 4)
    start_reason = "Joined the school"


class StaffAssignmentFactory(ScopedFactory):
    class Meta:
        model = StaffAssignment

    school = factory.SelfAttribute("pupil.school")
    pupil = factory.SubFactory(PupilFactory)
    user = factory.SubFactory(UserFactory)


class ParentLinkFactory(ScopedFactory):
    class Meta:
        model = ParentLink

    school = factory.SelfAttribute("pupil.school")
    pupil = factory.SubFactory(PupilFactory)
    parent = factory.SubFactory(UserFactory)


class ProvisionTypeFactory(ScopedFactory):
    class Meta:
        model = "plans.ProvisionType"

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Intervention {n}")
    need_area = "communication"
    staff_type = "ta"
    usual_group_size = 3
    usual_sessions_per_week = 3
    usual_minutes = 30
