"""The repository root is MoinMoin's plugin directory (``plugin_dirs`` in wikiconfig.py): moin loads this
package under a generated name and finds our macros in ``macros/``. See README, « Organisation du code »."""
