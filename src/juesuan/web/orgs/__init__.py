"""Organisations and people: regions, departments (主管部门), units (单位) and role grants."""
