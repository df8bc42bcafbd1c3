"""The traffic-light thresholds are configurable per facility (issue 8) by the admin role in Django's admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from compliance.models import ComplianceSettings
from compliance.rules import DEFAULT_THRESHOLDS
from compliance.selectors import thresholds_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_admin(admin_user):
    admin_user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="compliance", codename__endswith="compliancesettings")
    )
    return admin_user


def test_an_admin_sets_a_facilitys_thresholds_and_the_dashboard_reads_them(settings_admin, facility, client_for):
    assert thresholds_for(facility) == DEFAULT_THRESHOLDS
    response = client_for(settings_admin).post(
        reverse("admin:compliance_compliancesettings_add"),
        {"facility": facility.pk, "shall_red_below": 95, "should_amber_below": 80, "may_amber_below": 40},
    )
    assert response.status_code == 302
    stored = ComplianceSettings.objects.get(facility=facility)
    assert (stored.shall_red_below, stored.should_amber_below, stored.updated_by) == (95, 80, settings_admin)
    thresholds = thresholds_for(facility)
    assert thresholds != DEFAULT_THRESHOLDS
    assert stored.history.count() == 1


def test_a_threshold_above_100_is_refused_with_a_message(settings_admin, facility, client_for):
    response = client_for(settings_admin, language="en").post(
        reverse("admin:compliance_compliancesettings_add"),
        {"facility": facility.pk, "shall_red_below": 150, "should_amber_below": 80, "may_amber_below": 40},
    )
    assert response.status_code == 200
    assert "less than or equal to 100" in response.content.decode()
    assert not ComplianceSettings.objects.exists()


def test_a_manager_does_not_reach_the_thresholds_in_the_admin(manager, client_for):
    response = client_for(manager).get(reverse("admin:compliance_compliancesettings_changelist"))
    assert response.status_code == 302  # the admin's login page: management is not staff
