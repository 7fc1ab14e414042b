"""Each module is one capability: its public functions take a database session and the acting user,
authorize, change data, record events and return what the screens show."""
