from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("pupils/<int:pupil_id>/audit/", views.PupilAuditView.as_view(), name="audit"),
    path("pupils/<int:pupil_id>/subject-access/", views.SubjectAccessView.as_view(),
         name="subject_access"),
    path("pupils/<int:pupil_id>/sen-record.json", views.SenRecordView.as_view(),
         name="sen_record"),
    path("pupils/<int:pupil_id>/history/", views.ReceivedRecordsView.as_view(),
         name="received_records"),
    path("pupils/<int:pupil_id>/history/add/", views.ReceiveRecordView.as_view(),
         name="receive_record"),
    path("pupils/<int:pupil_id>/history/<int:received_id>/", views.ReceivedRecordView.as_view(),
         name="received_record"),
    path("pupils/<int:pupil_id>/transfer/", views.TransferSendView.as_view(),
         name="transfer_send"),
    path("pupils/<int:pupil_id>/ctf/add/", views.CtfImportView.as_view(), name="ctf_import"),
    path("pupils/<int:pupil_id>/ctf/", views.CtfExportView.as_view(), name="ctf_export"),
    path("transfers/", views.TransfersView.as_view(), name="transfers"),
    path("transfers/in/<int:transfer_id>/", views.IncomingTransferView.as_view(),
         name="incoming_transfer"),
    path("transfers/out/<int:transfer_id>/", views.OutgoingTransferView.as_view(),
         name="outgoing_transfer"),
    path("retention/", views.RetentionView.as_view(), name="retention"),
    path("retention/period/", views.RetentionPeriodView.as_view(), name="retention_period"),
]
