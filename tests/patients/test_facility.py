"""Facility settings (admin role): the IK number must have exactly 9 digits; the form keeps the input."""

from patients.models import Facility


def test_an_ik_number_that_is_not_nine_digits_is_refused_with_a_message(admin_user, client_for):
    client = client_for(admin_user)
    data = {
        "name": "Klinik Neu",
        "short_name": "KN",
        "ik_number": "12345",
        "street": "Weg 1",
        "postal_code": "",
        "city": "",
        "phone": "",
        "email": "",
        "wmr_info_url": "",
    }
    response = client.post("/admin/patients/facility/add/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "genau 9 Ziffern" in html
    assert 'value="Klinik Neu"' in html
    assert not Facility.objects.filter(name="Klinik Neu").exists()

    data["ik_number"] = "260599999"
    assert client.post("/admin/patients/facility/add/", data).status_code == 302
    assert Facility.objects.filter(name="Klinik Neu", ik_number="260599999").exists()
