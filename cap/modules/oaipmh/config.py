"""OAI-PMH: defaults."""

CAP_OAIPMH_REPOSITORY_NAME = "CERN Analysis Preservation"
"""``repositoryName`` of Identify."""

CAP_OAIPMH_ADMIN_EMAILS = ["analysis-preservation-support@cern.ch"]
"""``adminEmail`` of Identify (at least one)."""

CAP_OAIPMH_ID_NAMESPACE = "analysispreservation.cern.ch"
"""Namespace of item identifiers: ``oai:<namespace>:<recid>``."""

CAP_OAIPMH_PAGE_SIZE = 100
"""Records (or headers) per ListRecords/ListIdentifiers answer."""

CAP_OAIPMH_TOKEN_TTL = 24 * 3600
"""Seconds a resumption token stays valid."""
