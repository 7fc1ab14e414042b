"""Each module is one capability: its public functions take a database session and the acting user,
authorize, change data, record events and return what the screens show.

Importing the package registers the webhook outbox (`webhooks`): every incident event any service
writes also writes, in the same transaction, its deliveries to the endpoints that want it."""

from pixmania_incidents.services import webhooks as webhooks  # noqa: E402 - registers the outbox
