"""The read-only JSON API (django-ninja) over published disclosures."""
