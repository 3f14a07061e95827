"""Django's PostgreSQL backend, with the health check of a kept connection made without a query.

With `CONN_HEALTH_CHECKS`, Django sends `SELECT 1` before the first query of every request that
reuses a connection, so that a connection the server ended (a restart, a failover, an idle
timeout) is replaced rather than failing the request. That is a round trip to PostgreSQL on
every request: for a signature of a surge, one of its two. A server that ends a connection
says so on the socket (its last message, then the end of the stream), so the socket of an idle
connection that is still good has nothing to read; this backend looks at the socket without
waiting and sends `SELECT 1` only when there is something to read, or the connection is not
idle. A server that vanished without a word (a host lost, a network cut) leaves nothing to read
either way: Django's `SELECT 1` would wait on it as the request's first query does.
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            # poll(), not select(): a worker holding a thousand clients' sockets gives its
            # connections numbers past select()'s limit of 1024.
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            events = poller.poll(0)
        except (OSError, ValueError):  # whatever the socket's trouble: ask the server
            return super().is_usable()
        return not events or super().is_usable()
