"""Dataset names: parsing, and the split into collision data and Monte Carlo.

A DAS name is ``/<primary dataset>/<processed dataset>/<data tier>``, e.g.
``/SingleMuon/Run2016B-17Jul2018_ver2-v1/MINIAOD`` (data) or
``/DYJetsToLL_M-50_.../RunIISummer16MiniAODv3-.../MINIAODSIM`` (Monte Carlo).
"""

import re

NAME = re.compile(r"^/([^/\s*]+)/([^/\s*]+)/([^/\s*]+)$")
ERA = re.compile(r"(?:^|[^0-9])(20\d\d)[A-Z]?(?:[^0-9]|$)")
DATA_ERA = re.compile(r"^[A-Za-z]*Run(20\d\d)")
KIND_DATA = "data"
KIND_MC = "mc"
KINDS = (KIND_DATA, KIND_MC)


def parse(name):
    """``(primary, processed, tier)`` of a dataset name, or ``None`` when malformed."""
    match = NAME.match(name)
    return match.groups() if match else None


def classify(processed, tier, mc_campaigns):
    """``"mc"`` for simulated samples (tier with SIM, GEN or LHE, MC campaign), else ``"data"``."""
    if "SIM" in tier or tier.startswith(("GEN", "LHE")) or mc_campaigns.search(processed):
        return KIND_MC
    return KIND_DATA


def year_of(processed):
    """The data-taking year of a data era (``Run2016B-...`` → 2016), or ``None``."""
    match = DATA_ERA.match(processed)
    return int(match.group(1)) if match else None


def document(name, mc_campaigns):
    """The index document of one dataset name, or ``None`` when malformed."""
    parts = parse(name)
    if parts is None:
        return None
    primary, processed, tier = parts
    kind = classify(processed, tier, mc_campaigns)
    doc = {
        "name": name,
        "primary_dataset": primary,
        "processed_dataset": processed,
        "tier": tier,
        "kind": kind,
    }
    year = year_of(processed) if kind == KIND_DATA else None
    if year:
        doc["year"] = year
    return doc
