"""What every macro of ours shares: argument parsing and moin's inline error box, in French."""

from __future__ import annotations

from typing import Any

from moin.converters._args_wiki import parse as parse_arguments
from moin.macros._base import fail_message

from plugins.data.errors import UserError


class ArgumentError(UserError):
    """A wrong macro argument; the message (French) lists what is valid."""


def keyword_arguments(arguments: Any, macro_name: str) -> dict[str, str]:
    """Keyword arguments of a macro call; positional ones are refused with a French message."""
    if not arguments:
        return {}
    args = parse_arguments(arguments[0])
    if args.positional:
        raise ArgumentError(
            f"{macro_name} : l'argument « {args.positional[0]} » doit s'écrire nom=\"valeur\" "
            "(plusieurs arguments sont séparés par des virgules)."
        )
    return {str(k): str(v) for k, v in args.keyword.items()}


def ordered_arguments(arguments: Any, macro_name: str, names: tuple[str, ...]) -> dict[str, str]:
    """Arguments of a macro whose manual gives an order (« Mutualisation(genre, commune, secteur, limite) »):
    each may be written by name, or without its name in that order (« <<Mutualisation(local, Nantes)>> »)."""
    if not arguments:
        return {}
    args = parse_arguments(arguments[0])
    if len(args.positional) > len(names):
        raise ArgumentError(
            f"{macro_name} : {len(args.positional)} arguments sans nom, {len(names)} au plus "
            f"(dans cet ordre : {', '.join(names)}) ; ou écrivez nom=\"valeur\"."
        )
    out = {name: str(value) for name, value in zip(names, args.positional, strict=False)}
    for key, value in args.keyword.items():
        if str(key) in out:
            raise ArgumentError(f"{macro_name} : l'argument « {key} » est donné deux fois.")
        out[str(key)] = str(value)
    return out


def error_box(message: str, alternative: str) -> Any:
    """moin's usual inline error box (the macro call, then the message)."""
    return fail_message(message, alternative)


def current_page(page_url: Any) -> str:
    """The name of the page a macro stands on (moin gives it as a wiki IRI)."""
    return str(page_url.path).lstrip("/") if page_url is not None else ""
