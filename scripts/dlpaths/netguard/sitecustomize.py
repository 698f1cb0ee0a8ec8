"""Loaded at start-up of every notebook kernel the build runs: no network beyond loopback.

Notebooks must work offline (behind a firewall, on a plane, in CI). Any attempt to reach
another host fails at once with a message that says why, instead of hanging.
"""

import ipaddress
import socket

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class NetworkBlockedError(OSError):
    pass


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    if host in _LOCAL_NAMES or host == "":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(host):
    raise NetworkBlockedError(
        f"dlpaths: notebooks run without network; tried to reach {host!r}. "
        "Use data that ships with an installed package or generate it (see CONTRIBUTING.md)."
    )


def _guarded_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(address[0])
    return _real_connect(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _refuse(host)
    return _real_getaddrinfo(host, *args, **kwargs)


def _guarded_connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        _refuse(address[0])
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo
