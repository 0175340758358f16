"""Every non-trivial read of certifications, one module per subdomain. Each owns its query shape,
so a page's query count does not grow with its data. Import the submodule you need, e.g.
``from certifications.selectors import coverage as coverage_selectors``."""
