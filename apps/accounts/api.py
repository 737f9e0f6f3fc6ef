"""The API for a school's people: members (to look up the ids other endpoints ask for, and
for the SENCO and head to change roles and record leavers) and staff invitations."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.schools.api import SchoolScopedViewSet, call_service
from apps.schools.models import Membership
from apps.schools.roles import STAFF_ROLE_CHOICES, Action, Role

from . import invitations, members
from .access import access_invitation, access_member
from .invitation_link import state_of
from .models import Invitation
from .selectors import invitations_visible_to, members_visible_to


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True, help_text=(
        "The person's id: what fields such as a pupil's staff or a provision's "
        "delivered_by take."))
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "first_name", "last_name", "email", "role", "classes",
                  "left_on"]
        read_only_fields = fields


def classes_field(**kwargs):
    return serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=50,
        help_text="The classes (registration groups) they teach: they see those pupils.",
        **kwargs)


class RoleChangeSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=STAFF_ROLE_CHOICES, required=False)
    classes = classes_field()


class LeaverSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text="The day they left; today if absent.")


class InvitationSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=STAFF_ROLE_CHOICES)
    classes = classes_field(default=list)
    state = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "email", "first_name", "last_name", "role", "classes", "invited_by",
                  "sent_at", "expires_at", "accepted_at", "revoked_at", "state"]
        read_only_fields = ["invited_by", "sent_at", "expires_at", "accepted_at",
                            "revoked_at"]

    def get_state(self, invitation) -> str:
        return state_of(invitation).value


class MemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SchoolScopedViewSet):
    """The school's people. Any member of staff may list the current staff (``?role=ta``);
    the SENCO and the head also see parents and leavers (``?current=false``), change a
    member of staff's role (PATCH ``role``) and record a leaver (``leave``)."""

    model = Membership
    serializer_class = MemberSerializer
    default_required = Action.VIEW_PEOPLE
    required = {"partial_update": Action.MANAGE_PEOPLE, "leave": Action.MANAGE_PEOPLE}
    access = staticmethod(access_member)
    http_method_names = ["get", "patch", "post", "head", "options"]

    def visible_queryset(self):
        people = members_visible_to(self.membership).order_by(
            "user__last_name", "user__first_name", "pk")
        params = self.request.query_params
        if params.get("current", "true") != "false":
            people = people.filter(left_on__isnull=True)
        if params.get("role") in Role.values:
            people = people.filter(role=params["role"])
        return people

    @extend_schema(request=RoleChangeSerializer, responses=MemberSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change a member of staff's role."""
        data = RoleChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = self.get_object()
        changes = {"role": member.role} | data.validated_data
        member = call_service(members.member_change_role, membership=member,
                              actor=request.user, **changes)
        return Response(MemberSerializer(member).data)

    @extend_schema(request=LeaverSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, *args, **kwargs):
        """Record that this person has left: they can no longer sign in to the school."""
        data = LeaverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = call_service(members.member_leave, membership=self.get_object(),
                              actor=request.user, **data.validated_data)
        return Response(MemberSerializer(member).data)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, SchoolScopedViewSet):
    """Invitations sent by the school (SENCO and head). Create one to invite a member of
    staff; parents are invited through their child (``pupils/{id}/invite-parent/``)."""

    model = Invitation
    serializer_class = InvitationSerializer
    default_required = Action.MANAGE_PEOPLE
    access = staticmethod(access_invitation)

    def visible_queryset(self):
        return invitations_visible_to(self.membership)

    def perform_create(self, serializer):
        serializer.instance = call_service(
            invitations.invite, school=self.school, actor=self.request.user,
            **serializer.validated_data)

    def _step(self, service):
        invitation = call_service(service, invitation=self.get_object(),
                                  actor=self.request.user)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, *args, **kwargs):
        """E-mail a new link (the old one stops working)."""
        return self._step(invitations.resend)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        """Withdraw an invitation not yet accepted."""
        return self._step(invitations.revoke)
