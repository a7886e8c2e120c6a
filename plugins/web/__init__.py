"""The web side: Flask routes, forms, exports, security guards, the write lock, the wiring into moin."""
