"""Audit action codes of this app and their labels (registered with wmr.audit in AppConfig.ready)."""

ACTIONS = {}
