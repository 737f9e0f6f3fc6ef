from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("cycles/<int:cycle_id>/", views.CycleView.as_view(), name="cycle"),
    path("cycles/<int:cycle_id>/review/", views.ReviewView.as_view(), name="review"),
    path("cycles/<int:cycle_id>/close/", views.CloseCycleView.as_view(), name="close"),
    path("cycles/<int:cycle_id>/reopen/", views.ReopenCycleView.as_view(), name="reopen"),
    path("cycles/<int:cycle_id>/parent-views/read/", views.ParentViewsReadView.as_view(),
         name="parent_views_read"),
    path("pupils/<int:pupil_id>/timeline/", views.TimelineView.as_view(), name="timeline"),
]
