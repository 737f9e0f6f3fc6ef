"""What a record received from another school may be (received.py)."""

import datetime
import re

from django.db import models

# A pupil's whole SEN history is tens of kilobytes; twenty megabytes is far beyond any
# real record and refuses anything else. (The server refuses any request over
# MAX_REQUEST_BYTES, 12 MB, before this is read: backend/errors.py.)
RECORD_MAX_BYTES = 20 * 1024 * 1024

# Markup in a received record is refused, not cleaned: the record is shown on pages and
# in PDFs, and a school's own system never writes tags into a child's record.
MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|&#?[a-zA-Z0-9]+;")


class TransferState(models.TextChoices):
    """Where a transfer of a pupil's record to another school of the trust stands. Only
    ``WAITING`` moves: the receiving SENCO accepts or declines it, the sending SENCO
    withdraws it (transfer.py)."""

    WAITING = "waiting", "Waiting for the receiving school"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined by the receiving school"
    WITHDRAWN = "withdrawn", "Withdrawn by the sending school"


# A record sent here that never became a pupil's (declined, withdrawn, or never answered)
# still names a child who is not on this school's roll: it is kept long enough to answer
# "what happened to that transfer?" in the following year, then deleted (UK GDPR Article
# 5(1)(e), storage limitation).
UNCLAIMED_TRANSFER_KEPT = datetime.timedelta(days=365)
