"""Macros of the Écossolies wiki: thin views over the structured layer (``plugins``)."""
