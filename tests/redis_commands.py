"""What a test sends to Redis: every command, as the client packed it, in order."""

from contextlib import contextmanager

from redis.connection import AbstractConnection


@contextmanager
def redis_commands():
    """The commands sent inside the block (each a round trip; bytes, or a list of parts)."""
    sent = []
    send = AbstractConnection.send_packed_command

    def counted(connection, command, check_health=True):
        sent.append(command)
        return send(connection, command, check_health)

    AbstractConnection.send_packed_command = counted
    try:
        yield sent
    finally:
        AbstractConnection.send_packed_command = send


def text_of(command) -> bytes:
    return command if isinstance(command, bytes) else b"".join(command)
