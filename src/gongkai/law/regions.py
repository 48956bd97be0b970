"""Regions as the registry keeps them: place names outermost first, run together (江苏省淮安市洪泽区)."""

from __future__ import annotations


def join_region(outer: str | None, own: str | None) -> str | None:
    """An organ's region from its parent's (``outer``) and the places its own name gives (``own``).

    The two may overlap: 江苏省淮安市 + 淮安市洪泽区 → 江苏省淮安市洪泽区; an ``own`` that the
    outer region already ends with adds nothing (江苏省淮安市洪泽区 + 洪泽区).
    """
    if not outer:
        return own or None
    if not own:
        return outer
    if outer.endswith(own) or outer.startswith(own):
        return outer
    if own.startswith(outer):
        return own
    for size in range(min(len(outer), len(own)), 0, -1):
        if outer.endswith(own[:size]):
            return outer + own[size:]
    return outer + own


def within(region: str | None, scope: str) -> bool:
    """A region lies in ``scope``'s subtree when it begins with it (江苏省淮安市洪泽区 in 江苏省淮安市)."""
    return region is not None and region.startswith(scope)
