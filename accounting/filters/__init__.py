"""Filters of accounting's register pages and API."""
