"""Filings in the database: one record per unit and year, immutable versions, review, audit log."""
