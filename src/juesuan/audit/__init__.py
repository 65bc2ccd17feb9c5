"""Audit of published disclosures: read a report, recover its tables and claims, check them."""
