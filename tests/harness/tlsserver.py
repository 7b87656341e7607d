"""A TLS server on loopback whose certificate only a test CA signs, as a TLS-inspecting proxy's would be (the CA
file then plays the host's trust store). A library of the harness, used by the preflight's tests."""
from __future__ import annotations

import datetime
import ipaddress
import pathlib
import socket
import ssl
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def certificate(subject, issuer_key, issuer=None, ca=False, key=None):
    key = key or ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(now + datetime.timedelta(hours=1))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                        critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256()), key


class ProxyLikeServer:
    """`with ProxyLikeServer(work) as (port, ca_file):` a handshake-only TLS server on 127.0.0.1."""

    def __init__(self, work: pathlib.Path):
        self.work = work

    def __enter__(self):
        work = self.work
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca, dummy = certificate("ciab test inspecting proxy CA", ca_key, ca=True, key=ca_key)
        cert, key = certificate("127.0.0.1", ca_key, issuer=ca.subject)
        (work / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        (work / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(work / "server.pem")
        listener = socket.create_server(("127.0.0.1", 0))
        stop = threading.Event()

        def serve():
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    conn, dummy_addr = listener.accept()
                except socket.timeout:
                    continue
                try:
                    with context.wrap_socket(conn, server_side=True):
                        pass
                except (ssl.SSLError, OSError):
                    pass

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        self.stop, self.thread, self.listener = stop, thread, listener
        return listener.getsockname()[1], str(work / "ca.pem")

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.listener.close()
