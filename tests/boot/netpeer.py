# SPDX-License-Identifier: MIT
"""The host side of the namespace network tests, run inside a test's own
network namespace (ip netns exec NS python3 netpeer.py ...), so every
socket here is in that namespace:

  netpeer.py echo ADDR PORT [ADDR PORT ...]
      TCP echo (to EOF) and UDP echo on each address and port
  netpeer.py check tcp|udp ADDR PORT N
      send N pattern bytes (one datagram for udp) to an echo server and
      print "ok" when they come back byte for byte, else "FAIL ..."
  netpeer.py sniff IFACE SRC N
      read frames on IFACE (AF_PACKET) until N TCP/IPv4 segments from SRC
      were seen (or 30 s); print "sniff: N partial P full F bad B": the
      checksum field holds the pseudo-header sum (left to the device:
      offload), the full checksum, or neither
  netpeer.py dns NAME A AAAA [ADDR]
      a DNS responder on ADDR:53 (default 127.0.0.1) over UDP: NAME gets
      the A and AAAA records ("-" for none), anything else NXDOMAIN; one
      "dns: QTYPE NAME" line per query

The servers print "ready" once every socket is bound, then serve until
killed.
"""

import socket
import struct
import sys
import threading


def tcp_echo(s):
    while True:
        c, _ = s.accept()
        threading.Thread(target=tcp_conn, args=(c,), daemon=True).start()


def tcp_conn(c):
    with c:
        while True:
            b = c.recv(65536)
            if not b:
                return
            c.sendall(b)


def udp_echo(s):
    while True:
        b, a = s.recvfrom(65536)
        s.sendto(b, a)


def bind(addr, port, kind):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    if kind == socket.SOCK_STREAM:
        s.listen(16)
    return s


def echo(args):
    threads = []
    for addr, port in zip(args[::2], args[1::2]):
        t = bind(addr, int(port), socket.SOCK_STREAM)
        u = bind(addr, int(port), socket.SOCK_DGRAM)
        threads += [threading.Thread(target=tcp_echo, args=(t,), daemon=True),
                    threading.Thread(target=udp_echo, args=(u,), daemon=True)]
    for t in threads:
        t.start()
    print("ready", flush=True)
    threading.Event().wait()


def qname(msg, off):
    labels = []
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n
    return ".".join(labels), off + 1


def answer(msg, name, a, aaaa):
    ident, _, qd = struct.unpack("!HHH", msg[:6])
    q, end = qname(msg, 12)
    qtype, _ = struct.unpack("!HH", msg[end:end + 4])
    question = msg[12:end + 4]
    kind = {1: "A", 28: "AAAA"}.get(qtype, str(qtype))
    print("dns: %s %s" % (kind, q), flush=True)
    rr = b""
    n = 0
    if q.lower() == name.lower():
        if qtype == 1 and a != "-":
            rr = socket.inet_pton(socket.AF_INET, a)
        elif qtype == 28 and aaaa != "-":
            rr = socket.inet_pton(socket.AF_INET6, aaaa)
        n = 1 if rr else 0
        rcode = 0
    else:
        rcode = 3
    head = struct.pack("!HHHHHH", ident, 0x8180 | rcode, 1, n, 0, 0)
    ans = b""
    if n:
        ans = struct.pack("!HHHIH", 0xc00c, qtype, 1, 60, len(rr)) + rr
    return head + question + ans


def dns(args):
    name, a, aaaa = args[:3]
    addr = args[3] if len(args) > 3 else "127.0.0.1"
    s = bind(addr, 53, socket.SOCK_DGRAM)
    print("ready", flush=True)
    while True:
        msg, peer = s.recvfrom(4096)
        try:
            s.sendto(answer(msg, name, a, aaaa), peer)
        except (struct.error, IndexError):
            print("dns: malformed query", flush=True)


def pattern(n):
    return bytes((i * 7 + i // 251 + 13) & 0xff for i in range(n))


def check(args):
    kind, addr, port, n = args[0], args[1], int(args[2]), int(args[3])
    data = pattern(n)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    if kind == "udp":
        with socket.socket(fam, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            got = None
            for _ in range(5):
                s.sendto(data, (addr, port))
                try:
                    got = s.recv(65536)
                    break
                except socket.timeout:
                    pass
    else:
        with socket.create_connection((addr, port), timeout=30) as s:
            def send():
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            t = threading.Thread(target=send)
            t.start()
            got = bytearray()
            while True:
                b = s.recv(65536)
                if not b:
                    break
                got += b
            t.join()
            got = bytes(got)
    print("ok" if got == data else "FAIL: %s bytes back" %
          (None if got is None else len(got)), flush=True)


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def sum16(b):
    if len(b) % 2:
        b += b"\0"
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def sniff(args):
    iface, src, want = args[0], socket.inet_aton(args[1]), int(args[2])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((iface, 0))
    s.settimeout(30)
    print("ready", flush=True)
    n = partial = full = bad = 0
    try:
        while n < want:
            f = s.recv(65536)
            ip = f[14:]
            if f[12:14] != b"\x08\x00" or ip[9] != 6 or ip[12:16] != src:
                continue
            ihl = (ip[0] & 0xf) * 4
            tot = struct.unpack("!H", ip[2:4])[0]
            seg = bytearray(ip[ihl:tot])
            field = struct.unpack("!H", seg[16:18])[0]
            pseudo = sum16(ip[12:20]) + 6 + len(seg)
            seg[16:18] = b"\0\0"
            n += 1
            if field == fold(pseudo):
                partial += 1
            elif field == 0xffff - fold(pseudo + sum16(bytes(seg))):
                full += 1
            else:
                bad += 1
    except socket.timeout:
        pass
    print("sniff: %d partial %d full %d bad %d" % (n, partial, full, bad),
          flush=True)


if __name__ == "__main__":
    {"echo": echo, "dns": dns, "check": check, "sniff": sniff}[sys.argv[1]](sys.argv[2:])
