from django.urls import path

from . import views

app_name = "trust"

urlpatterns = [
    path("trusts/<int:trust_id>/", views.TrustView.as_view(), name="overview"),
    path("trusts/<int:trust_id>/what-works/", views.TrustWhatWorksView.as_view(),
         name="what_works"),
]
