"""Pages of the discharge letter (mounted under /reintegration/, see reintegration/urls.py)."""

from django.urls import path

from reintegration.views import letter as views

urlpatterns = [
    path("stays/<int:stay_id>/letter/", views.letter, name="letter"),
    path("stays/<int:stay_id>/letter/versions/", views.versions, name="letter-versions"),
    path("stays/<int:stay_id>/letter/draft/", views.draft, name="letter-draft"),
    path("stays/<int:stay_id>/letter/edit/", views.edit, name="letter-edit"),
    path("stays/<int:stay_id>/letter/preview/", views.preview, name="letter-preview"),
    path("stays/<int:stay_id>/letter/sign/", views.sign, name="letter-sign"),
    path("stays/<int:stay_id>/letter/revise/", views.revise, name="letter-revise"),
    path("stays/<int:stay_id>/letter/<int:letter_id>/copies/", views.copies, name="letter-copies"),
    path("stays/<int:stay_id>/letter/<int:letter_id>/handed-over/", views.handed_over, name="letter-handed-over"),
]
