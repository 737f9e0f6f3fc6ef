"""The school's people pages, under /s/<school>/people/."""

from django.urls import path

from . import people_views as views

app_name = "people"

urlpatterns = [
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people/invite/", views.InviteView.as_view(), name="invite"),
    path("people/import/", views.StaffImportView.as_view(), name="import"),
    path("people/<int:member_id>/role/", views.MemberRoleView.as_view(), name="member_role"),
    path("people/<int:member_id>/left/", views.MemberLeaveView.as_view(), name="member_leave"),
    path("people/invitations/<int:invitation_id>/resend/",
         views.InvitationStepView.as_view(step="resend"), name="invitation_resend"),
    path("people/invitations/<int:invitation_id>/withdraw/",
         views.InvitationStepView.as_view(step="revoke"), name="invitation_revoke"),
]
