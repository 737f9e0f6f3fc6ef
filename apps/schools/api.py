"""The base for every API view under /api/v1/schools/<school>/.

``SchoolScopedViewSet`` authenticates, resolves the school to the caller's membership (or
404), and runs the handler inside that school's scope. Subclasses may not override
``get_queryset`` or ``get_object`` (checked when the class is defined): they say what a
list shows the caller in ``visible_queryset()``, and name the door an object in the URL
comes through in ``access`` (the function the pages use too); the base does the rest.
"""

from collections.abc import Callable
from contextlib import ExitStack

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import (
    APIException,
    NotAuthenticated,
    PermissionDenied,
    ValidationError,
)

from apps.audit.trail import record_access
from backend.openapi import AutoSchema

from .access import access_school
from .models import Membership
from .roles import Action, role_may
from .tenancy import school_scope


def as_api_error(error: DjangoValidationError) -> ValidationError:
    """A service's field-level ValidationError, as DRF's 400 with the same fields."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


class Conflict(APIException):
    status_code = 409
    default_detail = "Someone else changed this record at the same moment: fetch it again."
    default_code = "conflict"


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = "The record changed since you fetched it: fetch it again, then retry."
    default_code = "precondition_failed"


def call_service(service, **kwargs):
    """Run a service, turning its ValidationError into the API's 400 (412 for an edit made
    from a stale version, when the request sent If-Match; 409 when a change made at the
    same moment by someone else won)."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        if getattr(error, "code", None) == "stale":
            raise PreconditionFailed(error.messages[0]) from None
        if getattr(error, "code", None) == "conflict":
            raise Conflict(error.messages[0]) from None
        raise as_api_error(error) from None


def if_match(request) -> int | None:
    """The version a client last saw, from ``If-Match: "<version>"``."""
    header = request.headers.get("If-Match", "").strip().strip('"').removeprefix('W/"')
    return int(header) if header.isdigit() else None


@extend_schema_field(OpenApiTypes.INT)
class VisibleField(serializers.PrimaryKeyRelatedField):
    """An id of a row the caller may see, resolved per request through ``visible`` (a
    function of the membership); anything else, another school's included, is a 400."""

    def __init__(self, *, visible, **kwargs):
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.visible(self.context["membership"])


class SchoolSchema(AutoSchema):
    """Every school endpoint may answer 403 (the caller's role) and 412 (a stale If-Match),
    besides the errors drf-standardized-errors documents itself; and every write may be
    refused by a service with a message about the whole request (``non_field_errors``,
    code ``invalid``), such as a change to a closed cycle — DELETE and bodiless POST
    actions included."""

    WRITES = ("POST", "PUT", "PATCH", "DELETE")

    def _should_add_http403_error_response(self) -> bool:
        return True

    def _should_add_validation_error_response(self) -> bool:
        return self.method in self.WRITES or super()._should_add_validation_error_response()

    def _get_validation_error_codes_by_field(self, data_fields):
        codes = super()._get_validation_error_codes_by_field(data_fields)
        if self.method in self.WRITES:
            codes["non_field_errors"].add("invalid")
        return codes


class SchoolScopedViewSet(viewsets.GenericViewSet):
    # the model listed, for the OpenAPI schema
    model: type
    # The one door to an object by its id: ``access(membership, id)`` gives the object or
    # raises 404, the same function the pages use (each app's access.py).
    access: Callable | None = None
    # viewset action name -> the Action the caller's role must allow
    required: dict[str, Action] = {}
    # the Action needed for any action not named in ``required`` (None: membership only)
    default_required: Action | None = None
    schema = SchoolSchema()
    # Ids are whole numbers, so a word after a list's address is an action, never an id.
    lookup_value_regex = "[0-9]+"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in ("get_queryset", "get_object"):
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} overrides {name}; define visible_queryset() and access "
                    "instead so every object passes through the school scope and its door."
                )

    def visible_queryset(self):
        """What a list shows the caller."""
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return self.model.objects.none()
        return self.visible_queryset()

    def get_object(self):
        """The object in the URL, through its door (404 for anything the caller may not
        see), once per request."""
        if not hasattr(self, "_object"):
            if self.access is None:
                raise ImproperlyConfigured(f"{type(self).__name__} has no access door.")
            pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
            self._object = type(self).access(self.membership, pk)
        return self._object

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as self._scope_stack:
            response = super().dispatch(request, *args, **kwargs)
            # Render inside the scope too: nothing about the response is left lazy.
            if getattr(response, "accepted_renderer", None) and not response.is_rendered:
                response.render()
            return response

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        # (A token-authenticated caller is known only now; the audit trail reads
        # request.user when it writes an entry, so it names them: apps/audit/middleware.py.)
        self.membership = access_school(request.user, kwargs["school"])
        self.school = self.membership.school
        request.membership = self.membership
        self._scope_stack.enter_context(school_scope(self.school))
        super().initial(request, *args, **kwargs)
        if self.detail:
            obj = self.get_object()  # 404 for anything the caller may not see, before any 403
            record_access(obj, path=request.get_full_path(), school_id=self.school.pk)
        needed = self.required.get(self.action, self.default_required)
        if needed is not None and not role_may(self.membership.role, needed):
            raise PermissionDenied(f"Your role cannot {needed.label}.")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if hasattr(self, "membership"):
            context.update(school=self.school, membership=self.membership)
        return context


class MembershipSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="school.slug")
    name = serializers.CharField(source="school.name")
    urn = serializers.CharField(source="school.urn")
    la_name = serializers.CharField(source="school.la_name")
    trust = serializers.CharField(source="school.trust.name", default=None)

    class Meta:
        model = Membership
        fields = ["slug", "name", "urn", "la_name", "trust", "role"]


class MySchoolsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The schools the caller belongs to, with their role in each."""

    serializer_class = MembershipSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return (
            Membership.objects.filter(user=self.request.user)
            .select_related("school", "school__trust")
            .order_by("school__name")
        )
