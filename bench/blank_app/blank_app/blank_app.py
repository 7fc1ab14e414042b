"""A minimal Reflex app: two linked clients relay a message, one row committed per message.

The floor the incident desk's propagation is compared with: one event, one commit to the
same kind of database (`BLANK_DB_URL`), one shared-state change delivered to the room.
"""

import os
import re
import time

import reflex as rx
import sqlalchemy as sa

_engine = None
_ROUTE = re.compile(r"/room/(\d+)/?$")
_TABLE = sa.Table(
    "relay_message", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("room", sa.String(40), index=True),
    sa.Column("body", sa.String(4000)), sa.Column("created_at", sa.Float),
)


def engine() -> sa.Engine:
    global _engine
    if _engine is None:
        url = os.environ["BLANK_DB_URL"]
        args = {"connect_args": {"timeout": 30, "check_same_thread": False}} if url.startswith("sqlite") else {}
        _engine = sa.create_engine(url, **args)
        if url.startswith("sqlite"):
            sa.event.listen(_engine, "connect", lambda c, _r: c.execute("PRAGMA journal_mode=WAL"))
        _TABLE.metadata.create_all(_engine)
    return _engine


class Room(rx.SharedState):
    last: str = ""


class RelayState(rx.State):
    joined: str = ""

    @rx.event
    async def join(self):
        match = _ROUTE.search(self.router.url.path or "")
        self.joined = f"room-{match.group(1) if match else 0}"
        room = await self.get_state(Room)
        await room._link_to(self.joined)

    @rx.event
    async def send(self, body: str):
        with engine().begin() as conn:
            conn.execute(_TABLE.insert().values(room=self.joined, body=body[:4000], created_at=time.time()))
        room = await self.get_state(Room)
        room.last = body


def index() -> rx.Component:
    return rx.center(rx.heading("Page vide", id="blank"), padding="2em")


def room_page() -> rx.Component:
    return rx.center(rx.text(Room.last, id="last"), padding="2em")


app = rx.App()
app.add_page(index, route="/", title="Blank")
app.add_page(room_page, route="/room/[room_id]", title="Room", on_load=RelayState.join)
