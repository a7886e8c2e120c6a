"""The one error class of the wiki that carries a message for the user, in French.

Every refusal a user may see (a value that does not fit its field, a wrong macro argument, a selection that
cannot run, a file or an import refused) is a :class:`UserError`: its text is shown as it is, and a view catches
this one class to answer with a clear French message instead of a traceback.
"""

from __future__ import annotations


class UserError(ValueError):
    """A refusal whose message, in French, says what would be right."""
