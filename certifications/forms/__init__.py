"""Page forms of certifications, one module per subdomain. They validate input only: the rules
live in the services."""
