"""Nothing here is edited in Django's admin: every write goes through the services (audit, versions, rules)."""
