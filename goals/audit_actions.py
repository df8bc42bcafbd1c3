"""Audit action codes of this app and their labels (registered with wmr.audit in AppConfig.ready)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
}
