"""moin's <<ItemList>>, with its ``regex=`` argument checked first (no ReDoS through a page's macro call).

moin compiles the regular expression a page writer gives and runs it on every item name at every view: a
pattern such as ``(a+)+$`` held a worker for minutes. This macro takes moin's place (our plugin dir is searched
first) and refuses what plugins/web/moin_guards.py judges slow, then lets moin's own macro do the rest.
"""

from __future__ import annotations

from typing import Any

from moin.converters._args_wiki import parse as parse_arguments
from moin.macros._base import fail_message
from moin.macros.ItemList import Macro as MoinItemList

from plugins.web.moin_guards import UnsafePattern, check_pattern


class Macro(MoinItemList):
    def macro(self, content: Any, arguments: Any, page_url: Any, alternative: Any) -> Any:
        if arguments:
            regex = parse_arguments(arguments[0]).keyword.get("regex")
            if regex:
                try:
                    check_pattern(regex)
                except UnsafePattern as exc:
                    return fail_message(f"ItemList : expression refusée ({exc}).", alternative)
        return super().macro(content, arguments, page_url, alternative)
