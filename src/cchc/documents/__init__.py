"""Shared document building (official layout, DOCX). A plain package: no models, no
templates, so it needs no place in INSTALLED_APPS."""
