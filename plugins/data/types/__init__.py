"""One module a page type: its fields, facets and computations."""
