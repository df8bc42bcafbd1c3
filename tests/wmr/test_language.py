"""German first: the UI speaks German whatever the browser asks for, until the user switches to English."""

from django.urls import reverse


def test_the_login_page_is_german_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "<title>Anmelden</title>" in response.content.decode()
    assert response["Content-Language"] == "de"


def test_switching_to_english_sticks_and_back_to_german(treating_psychologist, client_for):
    client = client_for(treating_psychologist)
    assert "Meine Arbeitsliste" in client.get(reverse("cases:worklist")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My worklist" in client.get(reverse("cases:worklist")).content.decode()
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert "Meine Arbeitsliste" in client.get(reverse("cases:worklist")).content.decode()


def test_an_unknown_language_cookie_falls_back_to_german(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "<title>Anmelden</title>" in client.get(reverse("login")).content.decode()
