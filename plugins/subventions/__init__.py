"""Public subsidies (SCDL files): reading, store, figures, views, charts and routes, as one package."""
