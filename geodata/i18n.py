"""Marking geodata's own words for the atlas's translation catalogs, without translating them here.

geodata does not import the dashboard: a message is kept in English (the template, with its
values apart) and the dashboard translates it where it is shown.
"""


def N_(message: str) -> str:
    """Marks ``message`` for the catalog (``scripts/catalogs``) and returns it unchanged."""
    return message
