"""factory_boy factories. Everything that needs a domain rule (care team, consent) goes through the services."""

from __future__ import annotations

import datetime as dt

import factory

from patients.models import Facility, Patient, Stay
from staff.models import Profession, Role, User

DEFAULT_PASSWORD = "Test-Passwort-2026!"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    name = factory.Sequence(lambda n: f"Klinik Test {n}")
    short_name = factory.Sequence(lambda n: f"KT{n}")
    ik_number = factory.Sequence(lambda n: f"{260000000 + n:09d}")
    street = "Kurparkweg 1"
    postal_code = "34537"
    city = "Bad Wildungen"
    wmr_info_url = "https://klinik.example/mbor"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    profession = Profession.PSYCHOLOGIST
    role = Role.CLINICIAN
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def facilities(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilities.set(extracted)
        if create:
            self.save()


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    facility = factory.SubFactory(FacilityFactory)
    # Names that can never be part of page text: tests assert that a page does NOT show a patient's name, and a real
    # surname such as "Gute" is a substring of "Guten Tag".
    last_name = factory.Sequence(lambda n: f"Nachname{n:05d}Q")
    first_name = factory.Sequence(lambda n: f"Vorname{n:05d}Q")
    # varied but always plausible: wraps within 1950–1999 however many patients a test run creates
    birth_date = factory.Sequence(lambda n: dt.date(1950, 1, 1) + dt.timedelta(days=(37 * n) % 18_000))
    street = "Lindenstraße 5"
    postal_code = "20095"
    city = "Hamburg"


class StayFactory(factory.django.DjangoModelFactory):
    """A bare stay without care team; use the ``make_stay`` fixture for one with a team."""

    class Meta:
        model = Stay

    number = factory.Sequence(lambda n: f"2026-{n:06d}")
    patient = factory.SubFactory(PatientFactory)
    facility = factory.SelfAttribute("patient.facility")
    admission_date = dt.date(2026, 11, 2)
    discharge_date = dt.date(2026, 12, 7)
    status = "admitted"
