"""Pages of certifications: thin views that validate, check the capability, call one service or
selector and render."""
