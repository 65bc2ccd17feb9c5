"""Django admin for organisations and grants (for administrators only)."""
