"""The worklist and the case overview render for a care-team member and show the stay."""

from django.urls import reverse


def test_the_worklist_lists_my_stays(stay, treating_psychologist, client_for):
    response = client_for(treating_psychologist).get(reverse("cases:worklist"))
    assert response.status_code == 200
    assert stay.patient.last_name in response.content.decode()


def test_the_case_overview_shows_the_header(stay, treating_psychologist, client_for):
    response = client_for(treating_psychologist).get(reverse("cases:overview", args=[stay.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert stay.number in html
    assert "3100" in html
