"""Proxies to the look-up clients and the status store of the current app."""

from flask import current_app
from werkzeug.local import LocalProxy

current_services = LocalProxy(lambda: current_app.extensions["cap-services"])
"""The :class:`~cap.modules.services.ext.CAPServices` of the app."""

current_orcid = LocalProxy(lambda: current_app.extensions["cap-services"].orcid)
"""The :class:`~cap.modules.services.orcid.ORCIDClient` of the app."""

current_ror = LocalProxy(lambda: current_app.extensions["cap-services"].ror)
"""The :class:`~cap.modules.services.ror.RORClient` of the app."""

current_status = LocalProxy(lambda: current_app.extensions["cap-services"].status)
"""The :class:`~cap.modules.services.status.StatusStore` of the app."""
