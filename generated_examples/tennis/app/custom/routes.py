"""Your extra routes; this file is yours and survives every re-render.

Build routers with ``secured_router`` so the authorisation gate runs, and give every route a
permission in ``app/custom/permissions.py``: unmapped routes are refused and stop the app from
starting.
"""

from __future__ import annotations

from app.generated.deps import secured_router

router = secured_router("/custom", "custom")
