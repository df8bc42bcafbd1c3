"""Patient data rights (GDPR Art. 15/17/20, §630f BGB retention)."""
