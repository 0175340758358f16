"""Files built from certifications data, one module per subdomain; the pages, the API and later
the dossiers call the same functions, so their contents agree."""
