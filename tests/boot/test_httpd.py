# SPDX-License-Identifier: MIT
"""httpd boot tests: apps/httpd (the default app) booted on microvm and
q35 with its rootfs/ initrd and a forward from host 127.0.0.1 to guest
port 80; real clients (curl, raw sockets) check the page byte for byte,
HEAD, 404, keep-alive, concurrency, pipelining, bad requests and idle
timeouts. The server must keep serving after every bad request."""

import os
import re
import socket
import subprocess
import threading
import time

import pytest

from conftest import ROOT, Background, build
from test_net import free_port

PAGE = os.path.join(ROOT, "apps", "httpd", "rootfs", "index.html")


class Httpd(Background):
    def __init__(self, machine, idle=3):
        image = build("httpd")
        self.port = free_port()
        super().__init__(image, machine, [
            "--mem", "64M",
            "--initrd", os.path.join(ROOT, "build", "httpd", "initrd.cpio"),
            "--fwd", "%d:80" % self.port,
            "--append", "-- -t %d -c 200" % idle], "httpd: serving")
        assert self.ready.wait(120), self.out

    def raw(self, data, timeout=20, read_all=True):
        with socket.create_connection(("127.0.0.1", self.port), 20) as s:
            s.settimeout(timeout)
            s.sendall(data)
            out = b""
            while True:
                try:
                    b = s.recv(65536)
                except socket.timeout:
                    break
                if not b:
                    break
                out += b
                if not read_all:
                    break
            return out


@pytest.fixture(scope="module", params=["microvm", "q35"])
def httpd(request):
    h = Httpd(request.param)
    yield h
    h.stop()


def curl(h, *args):
    r = subprocess.run(["curl", "-s", "-m", "30"] + list(args) +
                       ["http://127.0.0.1:%d/" % h.port], capture_output=True)
    return r


def test_default_page_byte_exact(httpd):
    r = subprocess.run(["curl", "-s", "-m", "30", "-D", "-",
                        "http://127.0.0.1:%d/index.html" % httpd.port],
                       capture_output=True)
    head, _, body = r.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK"), r.stdout
    assert body == open(PAGE, "rb").read()
    assert b"Content-Length: %d" % len(body) in head
    assert b"Content-Type: text/html" in head
    assert b"Last-Modified: " in head


def test_head_and_404(httpd):
    r = httpd.raw(b"HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert r.startswith(b"HTTP/1.1 200 OK") and r.endswith(b"\r\n\r\n"), r
    r = httpd.raw(b"GET /nope HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert r.startswith(b"HTTP/1.1 404 "), r


def test_keepalive_100_requests_one_connection(httpd):
    body = open(PAGE, "rb").read()
    with socket.create_connection(("127.0.0.1", httpd.port), 20) as s:
        s.settimeout(20)
        for _ in range(100):
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            got = b""
            while not got.endswith(body):
                b = s.recv(65536)
                assert b, got
                got += b
            assert got.startswith(b"HTTP/1.1 200 OK")


def test_pipelined_requests_in_order(httpd):
    req = (b"GET /index.html HTTP/1.1\r\n\r\nGET /missing HTTP/1.1\r\n\r\n"
           b"HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n")
    r = httpd.raw(req)
    codes = re.findall(rb"HTTP/1\.1 (\d{3}) ", r)
    assert codes == [b"200", b"404", b"200"], r


def test_50_concurrent_clients(httpd):
    body = open(PAGE, "rb").read()
    results = []

    def one():
        r = subprocess.run(["curl", "-s", "-m", "60",
                            "http://127.0.0.1:%d/" % httpd.port],
                           capture_output=True)
        results.append(r.stdout == body)

    threads = [threading.Thread(target=one) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 50


@pytest.mark.parametrize("req,code", [
    (b"\x00\x01garbage\xff\r\n\r\n", b"400"),
    (b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n", b"414"),
    (b"GET / HTTP/1.1\r\nX-Big: " + b"b" * 100000 + b"\r\n\r\n", b"431"),
    (b"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", b"400"),
    (b"POST / HTTP/1.1\r\n\r\n", b"405"),
    (b"GET / HTTP/3.0\r\n\r\n", b"505"),
])
def test_bad_request_answered_and_server_goes_on(httpd, req, code):
    r = httpd.raw(req)
    assert r.split(b" ")[1:2] == [code], r[:200]
    assert curl(httpd).stdout == open(PAGE, "rb").read()


def test_idle_connections_time_out(httpd):
    socks = [socket.create_connection(("127.0.0.1", httpd.port), 20)
             for _ in range(50)]
    deadline = time.time() + 60
    closed = 0
    for s in socks:
        s.settimeout(max(1, deadline - time.time()))
        try:
            closed += s.recv(1) == b""
        except (socket.timeout, ConnectionResetError):
            closed += 1
        s.close()
    assert closed == 50
    assert curl(httpd).stdout == open(PAGE, "rb").read()
