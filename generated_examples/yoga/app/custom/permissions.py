"""Permissions for your custom routes; this file is yours and survives every re-render.

Map ``(METHOD, full path)`` to a permission from the catalogue, for example
``("GET", "/api/v1/custom/ping"): "browse"``. Entries cannot override generated routes.
"""

from __future__ import annotations

ROUTE_PERMISSIONS: dict[tuple[str, str], str] = {}
