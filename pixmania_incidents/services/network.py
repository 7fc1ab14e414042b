"""Where a request comes from: the peer, or, behind the configured trusted proxies only, the
address they forwarded.

Why a service module: the throttle counts guesses per address (`services/throttle`), and both
the HTTP routes (`api.py`) and the pages' states (a websocket's headers and peer, see
`shell/session.client_address`) must name the same address for the same user.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

from pixmania_incidents import settings


def within(address: str, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    """Whether `address` is one of `networks` (something that is not an address is in none)."""
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _trusted(address: str) -> bool:
    return within(address, settings.TRUSTED_PROXIES)


def client_address(headers: Mapping[str, str], peer: str) -> str:
    """The user's address: the peer, or, when the peer is a trusted proxy, the rightmost hop of
    X-Forwarded-For that is not one (earlier hops are whatever the client wrote).

    For a websocket event: `client_address(router.headers.raw_headers, router.session.client_ip)`."""
    peer = (peer or "").strip()
    if not _trusted(peer):
        return peer
    forwarded = next((v for k, v in headers.items() if k.lower().replace("_", "-") == "x-forwarded-for"), "")
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop.strip("[]")))
            except ValueError:
                return peer  # not an address: our proxy did not write it
    return peer
