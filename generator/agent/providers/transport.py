"""The HTTP side of a provider: a client whose replies are checked before the SDK parses them.

The OpenAI SDK retries refused connections, timeouts, cut-off bodies, 429 (honouring
Retry-After up to 60 s) and 5xx with exponential backoff. It does not retry a 200 whose body
is not JSON; this transport turns such a reply into a 502 marked ``x-bookwright-malformed``,
so it is retried the same bounded way and then explained as a malformed reply.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from openai import AsyncOpenAI

MALFORMED_HEADER = "x-bookwright-malformed"
CONNECT_TIMEOUT = 10.0
NO_KEEPALIVE = httpx.Limits(max_keepalive_connections=0)


class CheckedTransport(httpx.AsyncBaseTransport):
    """Reads each non-streamed JSON reply whole and turns a malformed one into a 502."""

    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        """Send through ``inner`` (a plain ``AsyncHTTPTransport`` by default)."""
        self.inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Forward ``request``; check the body unless it is an event stream."""
        response = await self.inner.handle_async_request(request)
        if "text/event-stream" in response.headers.get("content-type", ""):
            return response
        # A body cut off on the wire raises here (httpx.RemoteProtocolError), inside the
        # SDK's retry loop, so it is retried like a refused connection.
        body = await response.aread()
        await response.aclose()
        if response.status_code == 200 and not _is_json(body):
            return httpx.Response(
                502,
                headers={MALFORMED_HEADER: "1", "content-type": "application/json"},
                json={"error": {"message": f"malformed reply: {body[:120]!r}"}},
                request=request,
            )
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            content=body,
            request=request,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close the inner transport."""
        await self.inner.aclose()


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def http_client(timeout: float = 120.0, **kwargs: Any) -> httpx.AsyncClient:
    """An httpx client with reply checks; extra keyword arguments (event hooks) pass through."""
    # No pooled connections: each plan runs on its own event loop (asyncio.run), and a socket
    # kept alive for the next request would outlive the loop it belongs to.
    return httpx.AsyncClient(
        transport=CheckedTransport(httpx.AsyncHTTPTransport(limits=NO_KEEPALIVE)),
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
        **kwargs,
    )


def openai_client(
    *,
    base_url: str | None,
    api_key: str,
    max_retries: int,
    timeout: float,
    client: httpx.AsyncClient | None = None,
) -> AsyncOpenAI:
    """The SDK client with bounded retries, a per-attempt timeout and checked replies."""
    return AsyncOpenAI(
        base_url=base_url,
        api_key=api_key,
        max_retries=max_retries,
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
        http_client=client or http_client(timeout),
    )
