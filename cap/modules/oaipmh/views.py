"""``/oai2d``: the OAI-PMH 2.0 protocol (verbs, arguments, errors, XML) over
:class:`~.service.OAIPMHService`.

Harvesting is what the world may see, whoever asks: every request runs as
an anonymous identity, so a logged-in superuser's browser harvests no more
than a robot does.
"""

from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from lxml import etree

from ..core.errors import NotFoundError
from ..exports.formats import record_citation
from ..exports.formats.datacite import datacite_element
from ..exports.formats.dublincore import dublin_core_element
from .proxies import current_oaipmh_service as service
from .service import world_identity as world

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
ID_SCHEMA = ("http://www.openarchives.org/OAI/2.0/oai-identifier "
             "http://www.openarchives.org/OAI/2.0/oai-identifier.xsd")

METADATA_FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
               "http://www.openarchives.org/OAI/2.0/oai_dc/", dublin_core_element),
    "datacite": ("http://schema.datacite.org/meta/kernel-4.5/metadata.xsd",
                 "http://datacite.org/schema/kernel-4", datacite_element),
}
"""``metadataPrefix`` -> (schema, namespace, citation -> element)."""

ARGUMENTS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
}
"""Verb -> (required, optional) arguments; a ``resumptionToken`` replaces all
arguments of the two list verbs."""


class OAIError(Exception):
    """An OAI-PMH error: its ``code`` and text."""

    def __init__(self, code, message):
        """``code`` is one of the protocol's error codes."""
        super().__init__(message)
        self.code = code


def _tag(name):
    return f"{{{OAI}}}{name}"


def _add(parent, name, text=None, **attributes):
    element = etree.SubElement(parent, _tag(name), **attributes)
    if text is not None:
        element.text = text
    return element


def _datestamp(value):
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:  # the database's timestamps are naive UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_date(name, value, end=False):
    try:
        if len(value) == 10:
            parsed = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            return (parsed + timedelta(days=1, microseconds=-1)) if end else parsed, "day"
        parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return (parsed + timedelta(seconds=1, microseconds=-1)) if end else parsed, "second"
    except ValueError:
        raise OAIError("badArgument", f"{name} must be YYYY-MM-DD or "
                                      "YYYY-MM-DDThh:mm:ssZ.") from None


def _identifier(recid):
    return f"oai:{current_app.config['CAP_OAIPMH_ID_NAMESPACE']}:{recid}"


def _recid(identifier):
    prefix = f"oai:{current_app.config['CAP_OAIPMH_ID_NAMESPACE']}:"
    if not identifier.startswith(prefix):
        raise OAIError("idDoesNotExist", f"No item {identifier}.")
    return identifier[len(prefix):]


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="cap-oaipmh")


def _header(parent, item):
    header = _add(parent, "header")
    _add(header, "identifier", _identifier(item.data["control_number"]))
    _add(header, "datestamp", _datestamp(item.updated))
    for spec in service.sets_of(item):
        _add(header, "setSpec", spec)


def _record(parent, item, prefix):
    record = _add(parent, "record")
    _header(record, item)
    metadata = _add(record, "metadata")
    metadata.append(METADATA_FORMATS[prefix][2](record_citation(item)))


def _prefix(args):
    prefix = args["metadataPrefix"]
    if prefix not in METADATA_FORMATS:
        raise OAIError("cannotDisseminateFormat", f"No format {prefix!r}; available: "
                                                  f"{', '.join(METADATA_FORMATS)}.")
    return prefix


def identify(root, args):
    """Identify: the repository."""
    config = current_app.config
    element = _add(root, "Identify")
    _add(element, "repositoryName", config["CAP_OAIPMH_REPOSITORY_NAME"])
    _add(element, "baseURL", request.base_url)
    _add(element, "protocolVersion", "2.0")
    for email in config["CAP_OAIPMH_ADMIN_EMAILS"]:
        _add(element, "adminEmail", email)
    earliest = service.earliest(world())
    _add(element, "earliestDatestamp",
         _datestamp(earliest) if earliest else "1970-01-01T00:00:00Z")
    _add(element, "deletedRecord", "no")
    _add(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    description = _add(element, "description")
    namespace = "http://www.openarchives.org/OAI/2.0/oai-identifier"
    ident = etree.SubElement(description, f"{{{namespace}}}oai-identifier",
                             nsmap={None: namespace})
    ident.set(f"{{{XSI}}}schemaLocation", ID_SCHEMA)
    for name, text in (("scheme", "oai"),
                       ("repositoryIdentifier", config["CAP_OAIPMH_ID_NAMESPACE"]),
                       ("delimiter", ":"),
                       ("sampleIdentifier", _identifier("CAP.CMS.MOKK.R8QW"))):
        etree.SubElement(ident, f"{{{namespace}}}{name}").text = text


def list_metadata_formats(root, args):
    """ListMetadataFormats (of one item when ``identifier`` is given)."""
    if "identifier" in args:
        _read(args["identifier"])
    element = _add(root, "ListMetadataFormats")
    for prefix, (schema, namespace, _) in METADATA_FORMATS.items():
        entry = _add(element, "metadataFormat")
        _add(entry, "metadataPrefix", prefix)
        _add(entry, "schema", schema)
        _add(entry, "metadataNamespace", namespace)


def list_sets(root, args):
    """ListSets: one set per experiment, the deposit types and one set per type
    (the list is complete: no token)."""
    if "resumptionToken" in args:
        raise OAIError("badResumptionToken", "ListSets answers in one page.")
    element = _add(root, "ListSets")
    for spec, name in service.sets():
        entry = _add(element, "set")
        _add(entry, "setSpec", spec)
        _add(entry, "setName", name)


def _read(identifier):
    try:
        return service.read(world(), _recid(identifier))
    except NotFoundError:
        raise OAIError("idDoesNotExist", f"No item {identifier}.") from None


def get_record(root, args):
    """GetRecord."""
    prefix = _prefix(args)
    item = _read(args["identifier"])
    _record(_add(root, "GetRecord"), item, prefix)


def _list_state(args):
    """``{prefix, set, from, until, after, cursor}`` of a first request or a token."""
    if "resumptionToken" in args:
        try:
            return _serializer().loads(args["resumptionToken"],
                                       max_age=current_app.config["CAP_OAIPMH_TOKEN_TTL"])
        except SignatureExpired:
            raise OAIError("badResumptionToken", "The resumption token expired.") from None
        except BadSignature:
            raise OAIError("badResumptionToken", "Not a resumption token of ours.") from None
    state = {"prefix": _prefix(args), "set": args.get("set"), "from": args.get("from"),
             "until": args.get("until"), "after": None, "cursor": 0}
    if state["from"] and state["until"]:
        granularities = {_parse_date("from", state["from"])[1],
                         _parse_date("until", state["until"])[1]}
        if len(granularities) > 1:
            raise OAIError("badArgument", "from and until must have the same granularity.")
    return state


def _list(root, args, verb):
    state = _list_state(args)
    since = _parse_date("from", state["from"])[0] if state["from"] else None
    until = _parse_date("until", state["until"], end=True)[0] if state["until"] else None
    if since and until and since > until:
        raise OAIError("badArgument", "from is after until.")
    size = current_app.config["CAP_OAIPMH_PAGE_SIZE"]
    try:
        page = service.harvest(world(), state["set"], since, until, state["after"], size)
    except NotFoundError as error:  # no such set
        raise OAIError("badArgument", str(error)) from None
    if not page.items:
        raise OAIError("noRecordsMatch", "No record matches these arguments.")
    element = _add(root, verb)
    for item in page.items:
        if verb == "ListRecords":
            _record(element, item, state["prefix"])
        else:
            _header(element, item)
    shown = state["cursor"] + len(page.items)
    if shown < page.total or "resumptionToken" in args:
        token = _add(element, "resumptionToken", completeListSize=str(page.total),
                     cursor=str(state["cursor"]))
        if shown < page.total:
            token.text = _serializer().dumps({**state, "after": page.last, "cursor": shown})


def list_records(root, args):
    """ListRecords."""
    _list(root, args, "ListRecords")


def list_identifiers(root, args):
    """ListIdentifiers."""
    _list(root, args, "ListIdentifiers")


VERBS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListRecords": list_records,
    "ListIdentifiers": list_identifiers,
}


def _checked_arguments():
    args = request.values.to_dict(flat=False)
    repeated = [name for name, values in args.items() if len(values) > 1]
    if repeated:
        raise OAIError("badArgument", f"Repeated argument: {', '.join(repeated)}.")
    args = {name: values[0] for name, values in args.items()}
    verb = args.pop("verb", None)
    if verb not in VERBS:
        raise OAIError("badVerb", "Give a verb: " + ", ".join(VERBS) + ".")
    required, optional = ARGUMENTS[verb]
    if "resumptionToken" in args and verb in ("ListRecords", "ListIdentifiers"):
        required, optional = {"resumptionToken"}, set()
    elif verb == "ListSets":
        optional = optional | {"resumptionToken"}
    missing, extra = required - set(args), set(args) - required - optional
    if missing or extra:
        raise OAIError("badArgument", "; ".join(
            part for part in (missing and f"missing: {', '.join(sorted(missing))}",
                              extra and f"not allowed: {', '.join(sorted(extra))}") if part))
    return verb, args


def oai2d():
    """GET or POST /oai2d?verb=...: one OAI-PMH request."""
    root = etree.Element(_tag("OAI-PMH"), nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", OAI_SCHEMA)
    _add(root, "responseDate", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    answered = _add(root, "request", request.base_url)
    try:
        verb, args = _checked_arguments()
        for name, value in {"verb": verb, **args}.items():
            answered.set(name, value)
        VERBS[verb](root, args)
    except OAIError as error:
        if error.code in ("badVerb", "badArgument"):  # the protocol: echo no arguments
            answered.attrib.clear()
        _add(root, "error", str(error), code=error.code)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return Response(body, mimetype="text/xml")


def create_blueprint(app):
    """Blueprint of ``/oai2d``."""
    blueprint = Blueprint("cap_oaipmh", __name__)
    blueprint.add_url_rule("/oai2d", "oai2d", oai2d, methods=["GET", "POST"])
    return blueprint
