"""URLs of "My day" and the contact-log export (joined in therapy/urls.py, namespace "therapy")."""

from django.urls import path

from therapy.views import progress

urlpatterns: list = [
    path("my-day/", progress.my_day, name="my-day"),
    path("my-day/sessions/<int:session_id>/held/", progress.my_day_mark_held, name="my-day-held"),
    path("stays/<int:stay_id>/contact-log.csv", progress.contact_log_csv, name="contact-log-csv"),
    path("stays/<int:stay_id>/contact-log.pdf", progress.contact_log_pdf, name="contact-log-pdf"),
]
