"""Nothing here is edited in Django's admin: thresholds and self-assessments go through the services (audit, history)."""
