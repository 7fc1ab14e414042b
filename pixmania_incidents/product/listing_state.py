"""`/listings/[listing_id]`: a listing, its flags and the cases they point at (read-only)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from pixmania_incidents import live
from pixmania_incidents.case.flags_state import FlagActionsState, flag_row
from pixmania_incidents.formats import money, short_when
from pixmania_incidents.i18n import tr
from pixmania_incidents.services import flags
from pixmania_incidents.shell.locale import LocaleState
from pixmania_incidents.shell.registry import route_id
from pixmania_incidents.shell.session import SessionState
from pixmania_incidents.vocabulary import case_path

ROUTE = "/listings/[listing_id]"


class ListingPageState(SessionState):
    """`/listings/[listing_id]`: a listing, its flags and the cases they point at (read-only)."""

    #: Not `listing_id`: the route's own parameter already has that name.
    shown_id: int = 0
    missing: bool = False

    @rx.event
    async def load(self):
        listing_id = route_id(self.router.url.path or "", ROUTE)
        page, refusal = await self._run(flags.listing_page, listing_id) if listing_id else (None, "")
        self.missing = page is None
        self.shown_id = 0 if page is None else listing_id
        if page is not None:
            await self._join_live()

    @rx.var
    async def listing(self) -> dict[str, Any]:
        room = await self.get_state(live.LiveRoom)
        answers = await self.get_state(FlagActionsState)
        _ = (room.tick, answers.revision)
        if not self.shown_id:
            return {}
        page, _error = await self._read(flags.listing_page, self.shown_id)
        if page is None:
            return {}
        locale = (await self.get_state(LocaleState)).locale
        return {
            "id": page.id,
            "title": page.title,
            "sku": page.sku,
            "description": page.description,
            "price_label": money(page.price_cents, locale),
            "shop_name": page.shop_name,
            "flags": [flag_row(f, locale) for f in page.flags],
            "incidents": [
                {
                    "id": c.id,
                    "href": case_path(c.reference),
                    "reference": c.reference,
                    "type_label": c.type_en if locale == "en" else c.type_fr,
                    "state": c.state,
                    "state_label": tr(f"state.{c.state}", locale),
                    "when": short_when(c.opened_at, locale),
                    "description": c.description,
                }
                for c in page.incidents
            ],
        }
