from rest_framework.pagination import CursorPagination, LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """Limit/offset pages with a hard maximum, so no request can ask for everything."""

    default_limit = 50
    max_limit = 200


class ByPosition(CursorPagination):
    """Pages for a list that grows without end (delivered sessions): each page follows on
    from where the last one stopped (``next``), in date order, so a page never counts every
    row before it, and a record added while someone pages through neither repeats nor
    skips a row. No ``count``; ``limit`` up to 200 as elsewhere."""

    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering = ("date", "id")
