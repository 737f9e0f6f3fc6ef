"""The base for every Celery task that touches one school's data.

Tasks receive ids, never model instances, and the school explicitly as ``school_id``; the
base enters that school's scope for the run and always leaves it.

``delay_on_commit`` sends the task once the write that owes it has committed. If the
broker cannot be reached then, the write stands and the request is answered as usual:
the failure is logged, never raised, and the work stays owed in the database (a shared
plan without its PDF, a meeting whose parents are not yet invited, an invitation or a
notice not yet e-mailed), where a sweep that beat runs finds it and sends it again
(``send_owed``; apps/parents/owed.py).
"""

import datetime
import logging
from collections.abc import Callable

from celery.contrib.django.task import DjangoTask
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

from .models import School
from .tenancy import school_scope

logger = logging.getLogger(__name__)


class SchoolTask(DjangoTask):
    abstract = True
    # Run in one transaction inside the school's scope. A task that must commit step by
    # step (an e-mail's claim before it is sent: apps/schools/once.py) says atomic=False
    # and enters school_scope for each step itself; outside those steps it is in no
    # scope, so a read it forgot to scope fails rather than reading nothing.
    atomic = True

    def __call__(self, *args, school_id: int, **kwargs):
        if not self.atomic:
            return super().__call__(*args, school_id=school_id, **kwargs)
        school = School.objects.get(pk=school_id)
        with school_scope(school):
            return super().__call__(*args, school_id=school_id, **kwargs)

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(lambda: self.delay_or_owe(*args, **kwargs))

    def delay_or_owe(self, *args, **kwargs) -> bool:
        """Send the task now; False, logged, if the broker cannot take it."""
        try:
            self.delay(*args, **kwargs)
        except BrokerUnavailable as error:
            logger.warning("task not sent, left owed: the broker is unreachable",
                           extra={"task": self.name, "error": str(error)})
            return False
        return True


# Work younger than this is probably still on its way, in its own task: a sweep leaves it.
OWED_AFTER = datetime.timedelta(minutes=2)


def send_owed(find: Callable[[School], list[tuple[SchoolTask, dict]]]) -> int:
    """A beat sweep: ``find(school)``, run in each school's scope, lists the tasks that
    school is owed, with their arguments (no ``school_id``); each is sent again. Stops at
    the first the broker cannot take: the rest wait for the next sweep. Returns how many
    were sent."""
    owed = []
    for school in School.objects.order_by("pk"):
        with school_scope(school):
            owed += [(task, arguments | {"school_id": school.pk})
                     for task, arguments in find(school)]
    for sent, (task, arguments) in enumerate(owed):
        if not task.delay_or_owe(**arguments):
            return sent
    return len(owed)
