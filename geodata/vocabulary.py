"""Controlled vocabularies shared by the data files, the validator and the dashboard.

Slugs are what the files and URLs carry; labels are what people read.
"""

from __future__ import annotations

from dataclasses import dataclass

PROGRAM_TYPES: dict[str, str] = {
    "prevention": "Prevention",
    "protection": "Protection & assistance",
    "return-reintegration": "Return & reintegration",
    "capacity-building": "Capacity building",
    "regional-dialogue": "Regional dialogue",
}


@dataclass(frozen=True)
class ExploitationForm:
    """A form of exploitation and where it sits in the two public datasets.

    ``glotip`` is the UNODC GLOTIP "by form of exploitation" category the form falls under;
    ``ctdc`` the CTDC flag column (``isForcedLabour``, ``isSexualExploit``, ``isOtherExploit``).
    """

    label: str
    glotip: str
    ctdc: str


EXPLOITATION_FORMS: dict[str, ExploitationForm] = {
    "sexual-exploitation": ExploitationForm("Sexual exploitation", "Sexual exploitation", "isSexualExploit"),
    "forced-labour": ExploitationForm("Forced labour", "Forced labour", "isForcedLabour"),
    "forced-begging": ExploitationForm("Forced begging", "Other forms of exploitation", "isOtherExploit"),
    "forced-criminality": ExploitationForm("Forced criminal activity", "Other forms of exploitation", "isOtherExploit"),
    "forced-marriage": ExploitationForm("Forced marriage", "Other forms of exploitation", "isOtherExploit"),
    "organ-removal": ExploitationForm("Removal of organs", "Other forms of exploitation", "isOtherExploit"),
    "other-exploitation": ExploitationForm("Other or mixed forms", "Other forms of exploitation", "isOtherExploit"),
    # Counts whose source names no form: GLOTIP's "by citizenship" figures (over every form),
    # CTDC records that flag none.
    "form-not-given": ExploitationForm("Form not given", "", ""),
}

SITE_PRECISIONS: tuple[str, ...] = ("exact", "town", "city", "country")

# Dialogue slug -> (label, column of the countries table holding the "as of" date).
DIALOGUES: dict[str, tuple[str, str]] = {
    "bali-process": ("Bali Process members", "bali_process_as_of"),
    "rcm": ("RCM members", "rcm_as_of"),
    "igc": ("IGC participants", "igc_as_of"),
}

TIP_TIERS: dict[str, str] = {
    "tier-1": "Tier 1",
    "tier-2": "Tier 2",
    "tier-2-watch-list": "Tier 2 Watch List",
    "tier-3": "Tier 3",
    "not-ranked": "Not ranked in source",
}

INDICATOR_KINDS: tuple[str, ...] = ("continuous", "ordinal")

# Years a bundled or imported figure may refer to.
YEAR_MIN, YEAR_MAX = 1950, 2035
