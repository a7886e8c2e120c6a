"""The structured index and its queries: ACL-aware selection, French full text, search, agenda periods."""
