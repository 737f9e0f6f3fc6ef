"""What the SENCO's overview calls this week's work."""

import datetime

# Reviews agreed for the next fortnight are shown with this week's work: time enough to
# invite the parents and gather the evidence before the meeting (Code 6.65: reviews are
# held with parents; 6.55: the impact and quality of the support are evaluated with the
# pupil and parents). EHC request dates falling due within it are shown too.
WEEK_AHEAD = datetime.timedelta(days=14)

# How many items of a list the overview shows before linking to the whole list.
OVERVIEW_ITEMS = 8

# The most pupils one bulk action on the register may change at once: a class or a year
# group of a large school, checked over on one page before it is done.
BULK_MAX = 100
