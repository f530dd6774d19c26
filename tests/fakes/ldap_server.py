"""A minimal LDAP v3 server on 127.0.0.1 for tests: anonymous bind and search.

Requests are parsed from their BER bytes (pyasn1 cannot decode ldap3's
recursive filter definitions); searches are answered from an in-memory
directory, the filter evaluated on the decoded tree as a directory does
(case-insensitive values, RFC 4511 4.5.1.7), and the entries are sent back
as real ``SearchResultEntry`` / ``SearchResultDone`` messages over TCP.
(ldap3's ``MOCK_SYNC`` strategy cannot be the matcher: it turns the filter
back into a string without escaping it, so a value holding ``(`` or ``)``
is a "malformed filter" there while any real directory answers it.)
``mode`` makes it misbehave: ``"hang"`` never answers a search,
``"garbage"`` answers bytes that are not LDAP.
"""

import socketserver
import threading

from ldap3.protocol.rfc4511 import (
    LDAPDN,
    AttributeDescription,
    AttributeValue,
    BindResponse,
    LDAPMessage,
    LDAPString,
    MessageID,
    PartialAttribute,
    PartialAttributeList,
    ProtocolOp,
    ResultCode,
    SearchResultDone,
    SearchResultEntry,
    Vals,
)
from ldap3.strategy.base import BaseStrategy
from ldap3.utils.conv import escape_filter_chars
from pyasn1.codec.ber import encoder


def _tlv(data, offset=0):
    """One BER element at ``offset``: ``(tag_class, constructed, number, value, end)``."""
    first = data[offset]
    tag_class, constructed, number = first >> 6, bool(first & 0x20), first & 0x1F
    length, position = data[offset + 1], offset + 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[position : position + count], "big")
        position += count
    value = data[position : position + length]
    return tag_class, constructed, number, value, position + length


def _children(value):
    items, offset = [], 0
    while offset < len(value):
        tag_class, constructed, number, inner, offset = _tlv(value, offset)
        items.append((tag_class, constructed, number, inner))
    return items


def _escape(value):
    return escape_filter_chars(value.decode("utf-8", "replace"))


def filter_string(element):
    """RFC 4515 string of a BER-encoded search filter (RFC 4511, 4.5.1.7)."""
    _, _, number, value = element
    if number in (0, 1):  # and, or
        inner = "".join(filter_string(child) for child in _children(value))
        return f"({'&|'[number]}{inner})"
    if number == 2:  # not
        return f"(!{filter_string(_children(value)[0])})"
    if number == 7:  # present
        return f"({value.decode()}=*)"
    parts = _children(value)
    attribute = parts[0][3].decode()
    if number == 4:  # substrings
        initial = middle = final = ""
        for _, _, kind, piece in _children(parts[1][3]):
            if kind == 0:
                initial = _escape(piece)
            elif kind == 1:
                middle += _escape(piece) + "*"
            else:
                final = _escape(piece)
        return f"({attribute}={initial}*{middle}{final})"
    operator = {3: "=", 5: ">=", 6: "<=", 8: "~="}[number]
    return f"({attribute}{operator}{_escape(parts[1][3])})"


def _values(attributes, name):
    """The values of attribute ``name`` (any case), lower-cased."""
    return [
        str(value).lower()
        for key, values in attributes.items() if key.lower() == name.lower()
        for value in (values if isinstance(values, list) else [values])
    ]


def _has_substrings(value, initial, middle, final):
    if not value.startswith(initial):
        return False
    position = len(initial)
    for piece in middle:
        found = value.find(piece, position)
        if found == -1:
            return False
        position = found + len(piece)
    return len(value) - position >= len(final) and value.endswith(final)


def filter_matcher(element):
    """A predicate over an entry's attributes for a BER-encoded search filter
    (the assertion values are raw bytes on the wire: no escapes to undo)."""
    _, _, number, value = element
    if number in (0, 1):  # and, or
        children = [filter_matcher(child) for child in _children(value)]
        combine = all if number == 0 else any
        return lambda attributes: combine(child(attributes) for child in children)
    if number == 2:  # not
        child = filter_matcher(_children(value)[0])
        return lambda attributes: not child(attributes)
    if number == 7:  # present
        return lambda attributes: bool(_values(attributes, value.decode()))
    parts = _children(value)
    attribute = parts[0][3].decode()
    if number == 4:  # substrings
        initial, middle, final = "", [], ""
        for _, _, kind, piece in _children(parts[1][3]):
            text = piece.decode("utf-8", "replace").lower()
            if kind == 0:
                initial = text
            elif kind == 1:
                middle.append(text)
            else:
                final = text
        return lambda attributes: any(_has_substrings(v, initial, middle, final)
                                      for v in _values(attributes, attribute))
    wanted = parts[1][3].decode("utf-8", "replace").lower()
    compare = {3: str.__eq__, 5: str.__ge__, 6: str.__le__, 8: str.__eq__}[number]
    return lambda attributes: any(compare(v, wanted) for v in _values(attributes, attribute))


def _in_scope(dn, base, scope):
    dn, base = dn.lower(), base.lower()
    if scope == 0:  # baseObject
        return dn == base
    parent = dn.partition(",")[2]
    if scope == 1:  # singleLevel
        return parent == base
    return dn == base or dn.endswith("," + base)  # wholeSubtree


def parse_request(data):
    """``(message_id, operation, fields)`` of a BER-encoded LDAPMessage."""
    _, _, _, body, _ = _tlv(data)
    items = _children(body)
    message_id = int.from_bytes(items[0][3], "big")
    _, _, operation, value = items[1]
    fields = {}
    if operation == 3:  # searchRequest
        parts = _children(value)
        fields = {
            "base": parts[0][3].decode(),
            "scope": int.from_bytes(parts[1][3], "big"),
            "size_limit": int.from_bytes(parts[3][3], "big"),
            "filter": filter_string(parts[6]),
            "match": filter_matcher(parts[6]),
            "attributes": [attr[3].decode() for attr in _children(parts[7][3])],
        }
    return message_id, operation, fields


def _message(message_id, name, op):
    message = LDAPMessage()
    message["messageID"] = MessageID(message_id)
    protocol_op = ProtocolOp()
    protocol_op[name] = op
    message["protocolOp"] = protocol_op
    return encoder.encode(message)


def _result(cls, code=0, diagnostic=""):
    result = cls()
    result["resultCode"] = ResultCode(code)
    result["matchedDN"] = LDAPDN("")
    result["diagnosticMessage"] = LDAPString(diagnostic)
    return result


def _entry(dn, attributes):
    entry = SearchResultEntry()
    entry["object"] = LDAPDN(dn)
    attribute_list = PartialAttributeList()
    for position, (name, values) in enumerate(attributes.items()):
        attribute = PartialAttribute()
        attribute["type"] = AttributeDescription(name)
        vals = Vals()
        for index, value in enumerate(values if isinstance(values, list) else [values]):
            vals[index] = AttributeValue(str(value).encode())
        attribute["vals"] = vals
        attribute_list[position] = attribute
    entry["attributes"] = attribute_list
    return entry


class FakeLDAP:
    """The directory and the TCP server; ``start()`` returns the ``ldap://`` URL."""

    def __init__(self):
        """An empty directory, behaving normally."""
        self.mode = "ok"
        self.searches = []
        self._entries = []
        self._lock = threading.Lock()

    def add(self, dn, attributes):
        """Add an entry (attribute values are strings or lists of strings)."""
        values = {name: value if isinstance(value, list) else [value]
                  for name, value in attributes.items()}
        with self._lock:
            self._entries.append((dn, values))

    def search(self, request):
        """Entries matching a decoded search request: ``[(dn, {attr: [values]})]``."""
        if not request["base"]:  # the root DSE: nothing to tell
            return []
        wanted = {name.lower() for name in request["attributes"]} - {"*"}
        with self._lock:
            entries = list(self._entries)
        return [
            (dn, {name: values for name, values in attributes.items()
                  if not wanted or name.lower() in wanted})
            for dn, attributes in entries
            if _in_scope(dn, request["base"], request["scope"]) and request["match"](attributes)
        ]

    def start(self, port=0):
        """Serve on loopback ``port`` (0: a free one) in a daemon thread."""
        fake = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                buffer = b""
                while True:
                    try:
                        chunk = self.request.recv(65536)
                    except OSError:
                        return
                    if not chunk:
                        return
                    buffer += chunk
                    while buffer:
                        size = BaseStrategy.compute_ldap_message_size(buffer)
                        if size == -1 or len(buffer) < size:
                            break  # wait for the rest of the message
                        message = parse_request(buffer[:size])
                        buffer = buffer[size:]
                        if not fake.answer(self.request, *message):
                            return

        class ThreadingServer(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = ThreadingServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        host, port = self.server.server_address
        return f"ldap://{host}:{port}"

    def stop(self):
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def answer(self, sock, message_id, operation, fields):
        """Answer one request; ``False`` closes the connection."""
        if operation == 0:  # bindRequest (any credentials accepted)
            sock.sendall(_message(message_id, "bindResponse", _result(BindResponse)))
        elif operation == 3:  # searchRequest
            self.searches.append(fields)
            if self.mode == "hang":
                return True
            if self.mode == "garbage":
                sock.sendall(b"HTTP/1.1 500 not LDAP at all\r\n\r\n")
                return False
            found = self.search(fields)
            limit = fields["size_limit"] or len(found)
            for dn, attributes in found[:limit]:
                values = {
                    key: [v.decode() if isinstance(v, bytes) else v for v in vals]
                    for key, vals in attributes.items()
                }
                sock.sendall(_message(message_id, "searchResEntry", _entry(dn, values)))
            code = 4 if len(found) > limit else 0  # sizeLimitExceeded
            sock.sendall(
                _message(message_id, "searchResDone", _result(SearchResultDone, code))
            )
        elif operation == 2:  # unbindRequest
            return False
        return True


# A realistic slice of the CERN directory, shared by every test that shares.
USERS = "OU=Users,OU=Organic Units,DC=cern,DC=ch"
EGROUPS = "OU=e-groups,OU=Workgroups,DC=cern,DC=ch"


def person(login, mail, name, department, account="Primary"):
    """A CERN AD person entry."""
    return (
        f"CN={login},{USERS}",
        {
            "objectClass": ["top", "person", "organizationalPerson", "user"],
            "cn": login,
            "mail": mail,
            "displayName": name,
            "department": department,
            "cernAccountType": account,
        },
    )


def egroup(name, description, mail=True):
    """A CERN e-group entry."""
    attributes = {"objectClass": ["top", "group"], "cn": name, "description": description}
    if mail:
        attributes["mail"] = f"{name}@cern.ch"
    return f"CN={name},{EGROUPS}", attributes


ENTRIES = [
    person("jdoe", "John.Doe@cern.ch", "John Doe", "EP/CMG"),
    person("jdoe2", "john.doe2@cern.ch", "John Doe (2)", "EP/UCM"),
    person("jdsvc", "john.doe.service@cern.ch", "Service account", "IT", account="Service"),
    person("jane", "jane.roe@cern.ch", "Jane Roe", "EP/LBC"),
    person("star", "st*r@cern.ch", "Literal Star", "TH"),
    # Broken entries a real directory may hold: no address, an address without '@'.
    (f"CN=nomail,{USERS}", {"objectClass": ["user"], "cn": "nomail",
                            "cernAccountType": "Primary", "displayName": "No Mail"}),
    (f"CN=badmail,{USERS}", {"objectClass": ["user"], "cn": "badmail", "mail": "johnny",
                             "cernAccountType": "Primary"}),
    egroup("cms-members", "All CMS members"),
    egroup("cms-higgs-conveners", "CMS Higgs PAG conveners"),
    egroup("cms-quiet", "", mail=False),
    egroup("atlas-active-members-all", "ATLAS active members"),
]


def start_directory(port=0, entries=()):
    """A fake directory holding ``ENTRIES`` (and ``entries``), serving on 127.0.0.1."""
    server = FakeLDAP()
    for dn, attributes in [*ENTRIES, *entries]:
        server.add(dn, attributes)
    server.url = server.start(port)
    return server
