"""Nothing is edited in Django's admin here: thresholds and self-assessments go through the services."""
