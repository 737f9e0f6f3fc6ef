"""``__in`` with a list of values, as one array parameter on PostgreSQL.

Django writes ``pupil_id IN (%s, %s, ...)``, a placeholder for each value. The register
and the API ask about the 50 pupils of a page in several queries, so each carried 50
parameters: Django prepared each value, psycopg formatted each, and, past 50 parameters,
split the statement's text again on every request instead of keeping it; and the
statement's text changed with the page's length, so each length was prepared apart.
``pupil_id = ANY(%s)`` with the list as one array means the same rows (PostgreSQL's
manual, 9.24.3: ``IN`` is equivalent to ``= ANY``) in one parameter, with one text for any
number of values. A subquery (``__in=queryset``), or a value Django writes with SQL of its
own, is left as Django writes it; so is every database but PostgreSQL.
"""

from django.db.models import Field, ForeignObject
from django.db.models.expressions import ColPairs
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class _OneArray:
    def as_postgresql(self, compiler, connection):
        if self.rhs_is_direct_value() and not isinstance(self.lhs, ColPairs):
            # Django's own preparing of the values: None dropped, an empty list raising
            # EmptyResultSet, each value as the field stores it.
            rhs_sql, values = self.process_rhs(compiler, connection)
            if rhs_sql == "(" + ", ".join(["%s"] * len(values)) + ")":
                lhs, lhs_params = self.process_lhs(compiler, connection)
                return f"{lhs} = ANY(%s)", (*lhs_params, list(values))
        return self.as_sql(compiler, connection)


class InAsArray(_OneArray, In):
    pass


class RelatedInAsArray(_OneArray, RelatedIn):
    pass


def install():
    Field.register_lookup(InAsArray, lookup_name="in")
    ForeignObject.register_lookup(RelatedInAsArray, lookup_name="in")
