"""Controlled vocabularies shared by the data files, the validator and the dashboard.

Slugs are what the files and URLs carry; labels are what people read. Labels are English,
marked with ``N_`` for the atlas's catalogs; the dashboard translates them where it shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.i18n import N_

PROGRAM_TYPES: dict[str, str] = {
    "prevention": N_("Prevention"),
    "protection": N_("Protection & assistance"),
    "return-reintegration": N_("Return & reintegration"),
    "capacity-building": N_("Capacity building"),
    "regional-dialogue": N_("Regional dialogue"),
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
    "sexual-exploitation": ExploitationForm(N_("Sexual exploitation"), "Sexual exploitation", "isSexualExploit"),
    "forced-labour": ExploitationForm(N_("Forced labour"), "Forced labour", "isForcedLabour"),
    "forced-begging": ExploitationForm(N_("Forced begging"), "Other forms of exploitation", "isOtherExploit"),
    "forced-criminality": ExploitationForm(
        N_("Forced criminal activity"), "Other forms of exploitation", "isOtherExploit"
    ),
    "forced-marriage": ExploitationForm(N_("Forced marriage"), "Other forms of exploitation", "isOtherExploit"),
    "organ-removal": ExploitationForm(N_("Removal of organs"), "Other forms of exploitation", "isOtherExploit"),
    "other-exploitation": ExploitationForm(N_("Other or mixed forms"), "Other forms of exploitation", "isOtherExploit"),
    # Counts whose source names no form: GLOTIP's "by citizenship" figures (over every form),
    # CTDC records that flag none.
    "form-not-given": ExploitationForm(N_("Form not given"), "", ""),
}

SITE_PRECISIONS: tuple[str, ...] = ("exact", "town", "city", "country")

# Dialogue slug -> (label, column of the countries table holding the "as of" date).
DIALOGUES: dict[str, tuple[str, str]] = {
    "bali-process": (N_("Bali Process members"), "bali_process_as_of"),
    "rcm": (N_("RCM members"), "rcm_as_of"),
    "igc": (N_("IGC participants"), "igc_as_of"),
}

TIP_TIERS: dict[str, str] = {
    "tier-1": N_("Tier 1"),
    "tier-2": N_("Tier 2"),
    "tier-2-watch-list": N_("Tier 2 Watch List"),
    "tier-3": N_("Tier 3"),
    "not-ranked": N_("Not ranked in source"),
}

INDICATOR_KINDS: tuple[str, ...] = ("continuous", "ordinal")

# Years a bundled or imported figure may refer to.
YEAR_MIN, YEAR_MAX = 1950, 2035
