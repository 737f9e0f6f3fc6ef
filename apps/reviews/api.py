"""The API for reviews, closing a cycle, and a pupil's timeline."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.plans.api import PlansViewSet
from apps.pupils.access import access_pupil
from apps.pupils.models import Pupil
from apps.pupils.selectors import pupils_visible_to
from apps.schools.api import call_service
from apps.schools.roles import Action

from . import services
from .access import access_review, reviews_visible_to
from .filters import ReviewFilter
from .models import Review
from .serializers import (
    CloseResultSerializer,
    ReopenSerializer,
    ReviewSerializer,
    TimelineSerializer,
)
from .timeline import pupil_timeline


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, mixins.UpdateModelMixin, PlansViewSet):
    """Review meetings: a rating for every outcome, the impact of each provision, and the
    next step. ``close`` closes the cycle and carries out the next step; ``reopen`` undoes
    a closing made by mistake."""

    model = Review
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    required = {"close": Action.MANAGE_PLANS, "reopen": Action.MANAGE_PLANS}

    access = staticmethod(access_review)

    def visible_queryset(self):
        return reviews_visible_to(self.membership).select_related("cycle").prefetch_related(
            "ratings", "impacts")

    def _save(self, serializer, cycle):
        data = dict(serializer.validated_data)
        data.pop("cycle", None)
        review = call_service(services.review_save, cycle=cycle, actor=self.request.user,
                              **data)
        serializer.instance = self.visible_queryset().get(pk=review.pk)

    def perform_create(self, serializer):
        self._save(serializer, serializer.validated_data["cycle"])

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance.cycle)

    @extend_schema(request=None, responses=CloseResultSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close the reviewed cycle; a refusal lists what is missing."""
        review = self.get_object()
        following = call_service(services.cycle_close, cycle=review.cycle, actor=request.user)
        return Response({"closed_cycle": review.cycle_id,
                         "next_cycle": following.pk if following else None})

    @extend_schema(request=ReopenSerializer, responses=ReopenSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        """Reopen the cycle this review closed, within a week and while nothing has been
        recorded since (409 otherwise): the closing is undone."""
        review = self.get_object()
        asked = ReopenSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        call_service(services.cycle_reopen, cycle=review.cycle, actor=request.user,
                     reason=asked.validated_data["reason"])
        return Response({"reason": asked.validated_data["reason"]})


class TimelineViewSet(mixins.RetrieveModelMixin, PlansViewSet):
    """A pupil's whole history, oldest first: every cycle with evidence, outcomes and
    ratings, provision with the dose delivered, the review and its decision."""

    model = Pupil
    lookup_url_kwarg = "pupil"
    access = staticmethod(access_pupil)

    def visible_queryset(self):
        return pupils_visible_to(self.membership)

    @extend_schema(responses=TimelineSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(TimelineSerializer(pupil_timeline(self.get_object())).data)
