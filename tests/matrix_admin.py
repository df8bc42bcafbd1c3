"""Permission-matrix rows of Django's admin, generated for every registered ModelAdmin (collected by
tests/test_permission_matrix.py).

The expectations follow from rules, not from recorded responses:

* Every admin page is wrapped by ``AdminSite.admin_view``: a persona without staff status (everyone but the admin)
  is sent to the admin login (302), before any permission or object lookup. Only the login page itself is open.
* The admin persona is staff with the rights of the "Administration" group (tests/conftest.py ``admin_user``): all
  four permissions on staff accounts and facilities, nothing else. A page needing a permission it lacks answers 403;
  an app whose models it may not see answers 404 (Django's app index); the bare object URL redirects to the change
  page (302); the catch-all answers 404.
* Some ModelAdmins refuse verbs to everyone (read-only screening data; axes logs cannot be added).

A ModelAdmin's standard pages are generated here from the admin registry; its extra pages (password change of the
user admin, a version of django-simple-history, the TOTP device's config and QR code) are listed per class. A new
admin page of another kind has no row and fails ``test_every_url_pattern_is_in_the_matrix``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from tests.permissions import PERSONAS, Row

# The "Administration" group of tests/conftest.py admin_user: every permission on these two models.
ADMIN_ROLE_MODELS = {"staff.user", "patients.facility"}
# ModelAdmins that refuse a verb to everyone (has_*_permission returns False).
REFUSED = {
    "screening.instrumentversion": {"add", "change", "delete"},
    "screening.screeningsetting": {"add", "change", "delete"},
    "axes.accessattempt": {"add"},
    "axes.accesslog": {"add"},
    "axes.accessfailurelog": {"add"},
}
ADMIN_LOGIN = 302  # non-staff personas: every admin_view page redirects to the admin login


def may(label: str, verb: str) -> bool:
    """The admin persona's right on a model (view, add, change, delete)."""
    return label in ADMIN_ROLE_MODELS and verb not in REFUSED.get(label, set())


def may_view(label: str) -> bool:
    return may(label, "view") or may(label, "change")


def admin_page(admin_status: int) -> dict[str, int]:
    """Expectations of a page behind admin_view: staff-only, the admin persona gets ``admin_status``."""
    return {persona: admin_status if persona == "admin" else ADMIN_LOGIN for persona in PERSONAS}


def ok_if(allowed: bool) -> int:
    return 200 if allowed else 403


# A real object of every registered model (the standard pages of an object need one).
def _group(o):
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name="Matrix group")[0]


def _axes(model_name):
    def make(o):
        from axes import models

        fields = {"username": "intruder", "ip_address": "192.0.2.1", "user_agent": "curl", "http_accept": "*/*"}
        fields["path_info"] = "/login/"
        if model_name == "AccessAttempt":
            fields.update(get_data="", post_data="", failures_since_start=1)
        return getattr(models, model_name).objects.create(**fields)

    return make


def _device_owner():
    """Not a persona: a persona with a confirmed device would be asked for its second factor first."""
    from staff.models import User
    from tests.factories import UserFactory

    return User.objects.filter(username="device-owner").first() or UserFactory(username="device-owner")


def _totp(o):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=_device_owner(), name="phone", confirmed=True)


def _static(o):
    from django_otp.plugins.otp_static.models import StaticDevice

    return StaticDevice.objects.create(user=_device_owner(), name="backup", confirmed=True)


def _first(app_model):
    def get(o):
        from django.apps import apps

        obj = apps.get_model(app_model).objects.order_by("pk").first()
        assert obj is not None, f"{app_model}: no row in the test database, create one in tests/matrix_admin.py"
        return obj

    return get


def _screening_setting(o):
    from patients.models import DepartmentCode
    from screening.models import InstrumentVersion
    from screening.services.instruments import setting_set

    return setting_set(
        by=None,
        facility=o["stay"].facility,
        department_code=o["stay"].department_code or DepartmentCode.PSYCHOSOMATICS,
        instrument=InstrumentVersion.objects.get(code="simbo_c", version="DEMO-1"),
        preset_code="simbo_27",
        effective_from=dt.date(2026, 1, 1),
    ).setting


def _compliance_settings(o):
    from compliance.models import ComplianceSettings

    return ComplianceSettings.objects.get_or_create(facility=o["stay"].facility)[0]


OBJECT_OF = {
    "auth.group": _group,
    "axes.accessattempt": _axes("AccessAttempt"),
    "axes.accesslog": _axes("AccessLog"),
    "axes.accessfailurelog": _axes("AccessFailureLog"),
    "otp_totp.totpdevice": _totp,
    "otp_static.staticdevice": _static,
    "staff.user": lambda o: o["other_user"],
    "patients.facility": lambda o: o["stay"].facility,
    "screening.contraindication": _first("screening.Contraindication"),
    "screening.instrumentversion": _first("screening.InstrumentVersion"),
    "screening.screeningsetting": _screening_setting,
    "diagnostics.therapycatalogueitem": _first("diagnostics.TherapyCatalogueItem"),
    "compliance.compliancesettings": _compliance_settings,
}


def _pk(label):
    return lambda o: [OBJECT_OF[label](o).pk]


def _bare_object_path(label, info):
    def path(o):
        return reverse(f"admin:{info}_change", args=[OBJECT_OF[label](o).pk]).removesuffix("change/")

    return path


def _version(label):
    def args(o):
        obj = OBJECT_OF[label](o)
        return [obj.pk, obj.history.order_by("-history_id").first().history_id]

    return args


def model_rows(model, model_admin) -> list[Row]:
    label = model._meta.label_lower
    info = f"{model._meta.app_label}_{model._meta.model_name}"
    assert label in OBJECT_OF, (
        f"{label} is registered in the admin: add its object to OBJECT_OF in tests/matrix_admin.py"
    )
    view = may_view(label)
    rows = [
        Row(f"admin:{info}_changelist", "get", lambda o: [], admin_page(ok_if(view))),
        Row(f"admin:{info}_add", "get", lambda o: [], admin_page(ok_if(may(label, "add")))),
        Row(f"admin:{info}_change", "get", _pk(label), admin_page(ok_if(view))),
        Row(f"admin:{info}_delete", "get", _pk(label), admin_page(ok_if(may(label, "delete")))),
        Row(f"admin:{info}_history", "get", _pk(label), admin_page(ok_if(view))),
        # the bare object URL (unnamed) redirects any staff member to the change page
        Row(
            f"admin:{info}_change",
            "get",
            lambda o: [],
            admin_page(302),
            path=_bare_object_path(label, info),
            pattern=f"admin:admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/",
        ),
    ]
    if isinstance(model_admin, UserAdmin):
        rows.append(Row("admin:auth_user_password_change", "get", _pk(label), admin_page(ok_if(may(label, "change")))))
    if isinstance(model_admin, SimpleHistoryAdmin):
        rows.append(Row(f"admin:{info}_simple_history", "get", _version(label), admin_page(ok_if(view))))
    if label == "otp_totp.totpdevice":
        rows.append(Row(f"admin:{info}_config", "get", _pk(label), admin_page(ok_if(view))))
        rows.append(Row(f"admin:{info}_qrcode", "get", _pk(label), admin_page(ok_if(view))))
    return rows


def _app_labels():
    return sorted({model._meta.app_label for model in admin.site._registry})


def _view_on_site(o):
    return [ContentType.objects.get_for_model(o["other_user"]).pk, o["other_user"].pk]


SITE_ROWS = [
    Row("admin:index", "get", lambda o: [], admin_page(200)),
    # the login form is open; a staff member who is logged in is sent on to the index
    Row("admin:login", "get", lambda o: [], {**{p: 200 for p in PERSONAS}, "admin": 302}),
    Row("admin:logout", "post", lambda o: [], admin_page(302)),  # logged out, sent to LOGOUT_REDIRECT_URL
    Row("admin:logout", "get", lambda o: [], admin_page(405)),  # Django 5: logging out is a POST
    Row("admin:password_change", "get", lambda o: [], admin_page(200)),
    Row("admin:password_change_done", "get", lambda o: [], admin_page(200)),
    Row("admin:autocomplete", "get", lambda o: [], admin_page(403)),  # no autocomplete field: refused
    Row("admin:jsi18n", "get", lambda o: [], admin_page(200)),
    Row("admin:view_on_site", "get", _view_on_site, admin_page(404)),  # no model has get_absolute_url
    Row(
        "admin:catch-all",
        "get",
        lambda o: [],
        admin_page(404),
        path=lambda o: "/admin/no-such-page/",
        pattern="admin:admin/(?P<url>.*)$",
    ),
]


def app_list_rows() -> list[Row]:
    """The index of one app: shown when the admin persona may see one of its models, else 404."""
    rows = []
    for app_label in _app_labels():
        visible = any(
            may_view(model._meta.label_lower) or may(model._meta.label_lower, "add")
            for model in admin.site._registry
            if model._meta.app_label == app_label
        )
        rows.append(
            Row(
                "admin:app_list",
                "get",
                lambda o, a=app_label: [a],
                admin_page(200 if visible else 404),
                label=app_label,
            )
        )
    return rows


def rows() -> list[Row]:
    generated = list(SITE_ROWS) + app_list_rows()
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower):
        generated += model_rows(model, model_admin)
    return generated


ROWS = rows()
