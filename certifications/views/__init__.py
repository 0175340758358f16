"""Pages of certifications, one module per subdomain: thin views that validate, check the
capability, call one service or selector and render."""
