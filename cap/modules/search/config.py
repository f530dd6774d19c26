"""Search defaults (``CAP_SEARCH_*``)."""

CAP_SEARCH_QUERY_FIELDS = {
    "dataset": ["input_data.primary_datasets.path", "input_data.mc_samples.path"],
    "primary_dataset": ["input_data.primary_datasets.path"],
    "mc": ["input_data.mc_samples.path"],
    "trigger": ["input_data.primary_datasets.triggers.trigger"],
    "cadi": ["basic_info.cadi_id", "analysis_context.cadi_id"],
    "wg": [
        "basic_info.cms_working_group",
        "analysis_context.cms_working_group",
        "basic_info.physics_group",
        "basic_info.pwg",
        "basic_info.working_group",
    ],
    "awg": ["cadi_info.awg"],
    "status": ["cadi_info.status", "glance_info.status", "analysis_context.status"],
    "object": ["physics_objects.object"],
    "keyword": [
        "basic_info.analysis_keywords",  # cms-analysis v1.x: a flat list
        "basic_info.keywords",
        "keywords",
        # cms-analysis v2.0.0 files them by category, as the legacy model does.
        *(
            f"basic_info.analysis_keywords.{category}"
            for category in (
                "collision_system",
                "accelerator_parameters",
                "physics_theme",
                "sm_analysis_characteristics",
                "interpretation",
                "final_states",
                "further_search_categorisation",
                "further_categorisation_heavy_ion",
            )
        ),
    ],
    "glance": ["basic_info.glance_id", "glance_info.id"],
    "collection": ["_schema.name"],
    "experiment": ["_experiment"],
}
"""DAS-style ``key=value`` terms of ``q``: key -> indexed (keyword) fields, any schema."""

# What one search may cost (cap.modules.search.query.check_cost): beyond
# these, q is a 400 before the engine sees it; the engine stops a search at
# CAP_SEARCH_TIMEOUT (503). `abcdefghij~2` 50 times kept a worker 14 s.
CAP_SEARCH_MAX_QUERY_LENGTH = 1000
"""Longest free text of ``q`` (characters)."""
CAP_SEARCH_MAX_TERMS = 64
"""Most terms in the free text of ``q`` (operators not counted)."""
CAP_SEARCH_MAX_EXPANDING_TERMS = 8
"""Most fuzzy (``word~``) or wildcard (``*``, ``?``) terms in ``q``: each one
expands to many terms in the engine."""
CAP_SEARCH_FUZZY_MAX_EXPANSIONS = 20
"""Terms one fuzzy term may expand to (the engine's default is 50)."""
CAP_SEARCH_TIMEOUT = "5s"
"""The engine answers ``timed_out`` after this; CAP then answers 503."""

CAP_SEARCH_SUGGEST_FIELDS = {
    "title": ["title"],
    "cadi_id": ["cadi_id"],
    "keywords": ["keywords", "keyword"],
    "people": ["people"],
    "dataset": ["dataset"],
    "trigger": ["trigger"],
}
"""``field`` of ``/suggest`` -> names looked up in each schema's ``suggest`` config."""

CAP_SEARCH_SUGGEST_EXTRA = {
    "cms-analysis": {"keywords": "basic_info.analysis_keywords"},
    "alice-analysis": {"keywords": "basic_info.keywords"},
}
"""Suggestion fields a schema's config lacks: schema name -> {field: indexed field}."""

CAP_SEARCH_SUGGEST_SIZE = 10
"""Default number of suggestions."""

CAP_SEARCH_SUGGEST_MAX_SIZE = 50
"""Most suggestions one call returns."""

CAP_SEARCH_SUGGEST_MAX_LENGTH = 100
"""Longest prefix accepted."""

CAP_SEARCH_REINDEX_BATCH = 500
"""Records read from the database and sent to the engine per bulk request."""

CAP_SEARCH_REINDEX_THREADS = 2
"""Bulk requests in flight during a rebuild (1: one at a time)."""
