#!/usr/bin/env python3
"""Posts each pre-signed request of a make_signed_requests.py file exactly once, over N
keep-alive connections, and prints how many got 200 and how long it took."""
import http.client, sys, threading, time

path, port, connections = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
target = sys.argv[4] if len(sys.argv) > 4 else "/webhooks/bench"
lines = open(path).read().splitlines()
ok = [0] * connections

def worker(index):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for line in lines[index::connections]:
        msg_id, ts, sig, body = line.split("\t", 3)
        conn.request("POST", target, body=body.encode(), headers={
            "Content-Type": "application/json", "svix-id": msg_id, "svix-timestamp": ts, "svix-signature": sig})
        response = conn.getresponse()
        response.read()
        if response.status == 200:
            ok[index] += 1

start = time.time()
threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
for t in threads: t.start()
for t in threads: t.join()
print(f"{sum(ok)} {time.time() - start:.3f}")
