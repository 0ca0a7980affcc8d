#!/usr/bin/env python3
"""Idle keep-alive memory: opens N client connections to a running proxy, sends one JSON POST on
each (so every connection has carried a request), keeps them all open and idle, and prints the
proxy's RSS before and after. Usage: scripts/idle-connections.py PORT PID [N]  (raise `ulimit -n` first).
"""
import resource, socket, sys, time

port, pid = int(sys.argv[1]), int(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 1000), hard))

def rss_kib():
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

body = b'{"order":7,"user":"alice"}'
request = (b"POST /idle HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
before = rss_kib()
socks, answered = [], 0
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request)
    socks.append(s)
    if len(socks) % 500 == 0 or i == n - 1:   # read answers in batches, so requests overlap a little
        for t in socks[-500:]:
            t.settimeout(10)
            data = b""
            while b"\r\n\r\n" not in data:
                data += t.recv(65536)
            if data.startswith(b"HTTP/1.1 200"):
                answered += 1
time.sleep(2.5)  # past the proxy's buffer-trim delay
after = rss_kib()
print("connections: %d  answered 200: %d  RSS before: %.1f MiB  RSS with all idle: %.1f MiB  per connection: %.2f KiB"
      % (n, answered, before / 1024, after / 1024, (after - before) / n))
for s in socks:
    s.close()
