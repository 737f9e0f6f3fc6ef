from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """Limit/offset pages with a hard maximum, so no request can ask for everything."""

    default_limit = 50
    max_limit = 200
