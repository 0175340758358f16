"""Filters shared by the pages and the API of certifications, one module per subdomain."""
