"""The base for every Celery task that touches one school's data.

Tasks receive ids, never model instances, and the school explicitly as ``school_id``; the
base enters that school's scope for the run and always leaves it.
"""

from celery.contrib.django.task import DjangoTask

from .models import School
from .tenancy import school_scope


class SchoolTask(DjangoTask):
    abstract = True

    def __call__(self, *args, school_id: int, **kwargs):
        school = School.objects.get(pk=school_id)
        with school_scope(school):
            return super().__call__(*args, school_id=school_id, **kwargs)
