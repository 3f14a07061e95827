"""Checking a project material before it is kept: its real type, its size, that a PDF opens, and
the verdict of a ClamAV daemon (here a real socket server speaking clamd's INSTREAM protocol)."""

import socket
import struct
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import tiny_pdf
from tests.servers import free_port
from veche.discussions.materials import ScannerUnavailable, check_upload

EICAR_MARK = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


def upload(content: bytes, name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class FakeClamd:
    """Answers INSTREAM like clamd: FOUND when the stream holds the EICAR mark, else OK."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.address = f"127.0.0.1:{self.server.getsockname()[1]}"
        self.streams: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                command = b""
                while not command.endswith(b"\0"):
                    command += connection.recv(1)
                assert command == b"zINSTREAM\0"
                stream = b""
                while True:
                    size = struct.unpack("!L", self._read(connection, 4))[0]
                    if size == 0:
                        break
                    stream += self._read(connection, size)
                self.streams.append(stream)
                verdict = (
                    b"stream: Eicar-Test-Signature FOUND" if EICAR_MARK in stream else b"stream: OK"
                )
                connection.sendall(verdict + b"\0")

    @staticmethod
    def _read(connection, size: int) -> bytes:
        data = b""
        while len(data) < size:
            data += connection.recv(size - len(data))
        return data

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings):
    daemon = FakeClamd()
    settings.VECHE_CLAMD_ADDRESS = daemon.address
    yield daemon
    daemon.close()


def test_a_pdf_is_accepted_with_its_pages_and_hash():
    checked = check_upload(upload(tiny_pdf(3)))
    assert checked.content_type == "application/pdf"
    assert checked.pages == 3
    assert len(checked.sha256) == 64


def test_the_type_comes_from_the_bytes_not_the_name():
    with pytest.raises(ValidationError, match="Only PDF documents"):
        check_upload(upload(b"<html><script>alert(1)</script></html>", name="plan.pdf"))


def test_a_damaged_pdf_is_refused():
    with pytest.raises(ValidationError, match="damaged"):
        check_upload(upload(b"%PDF-1.7\nnot really a pdf"))


def test_an_oversized_file_is_refused(settings):
    settings.VECHE_MATERIAL_MAX_MB = 1
    with pytest.raises(ValidationError, match="at most 1 MB"):
        check_upload(upload(b"%PDF-" + b"0" * (1024 * 1024 + 1)))


def test_a_clean_file_passes_the_scanner_which_sees_all_of_it(clamd):
    content = tiny_pdf(2)
    check_upload(upload(content))
    assert clamd.streams == [content]


def test_a_file_the_scanner_flags_is_refused(clamd):
    infected = tiny_pdf(1) + b"%" + EICAR_MARK
    with pytest.raises(ValidationError, match="malicious"):
        check_upload(upload(infected))


def test_an_unreachable_scanner_refuses_rather_than_keeps_unscanned(settings):
    settings.VECHE_CLAMD_ADDRESS = f"127.0.0.1:{free_port()}"
    with pytest.raises(ScannerUnavailable):
        check_upload(upload(tiny_pdf(1)))
