#!/usr/bin/env python3
"""Writes N distinct, correctly Svix-signed webhook requests (1 KB JSON bodies) for wrk.

Each line of the output is one request as `id<TAB>timestamp<TAB>signature<TAB>body`; the wrk
script turns lines into POSTs. With THREADS and TARGET_PATH given, it also writes the requests
whole, as wrk sends them, into PATH.raw.0 .. PATH.raw.<THREADS-1> (request i goes to file
i % THREADS, each request an 8-digit length then its bytes): wrk runs every thread's script
setup on its main thread one after another, and formatting 300k requests there kept the second
thread idle for the first seconds of a run. The signature follows the Standard Webhooks definition:
base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")) with key = base64decode(secret after whsec_).
"""
import base64, hashlib, hmac, json, sys, time

secret, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
threads = int(sys.argv[4]) if len(sys.argv) > 4 else 0
target = sys.argv[5] if len(sys.argv) > 5 else "/webhooks/bench"
raw = [open(f"{path}.raw.{t}", "wb") for t in range(threads)]
key = base64.b64decode(secret.split("_", 1)[1])
now = str(int(time.time()))
filler = "x" * 1024
with open(path, "w") as out:
    for i in range(count):
        msg_id = f"msg_bench_{now}_{i}"
        body = {"api_version": "2024-04-10", "event_type": "client.client_contact.created",
                "data": {"object": {"email": f"contact{i}@example.com", "first_name": "Ada", "last_name": "Lovelace"}},
                "mode": "test", "pad": ""}
        text = json.dumps(body, separators=(",", ":"))
        body["pad"] = filler[: max(0, 1024 - len(text))]
        text = json.dumps(body, separators=(",", ":"))
        sig = base64.b64encode(hmac.new(key, f"{msg_id}.{now}.{text}".encode(), hashlib.sha256).digest()).decode()
        out.write(f"{msg_id}\t{now}\tv1,{sig}\t{text}\n")
        if raw:
            data = text.encode()
            request = (f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       f"svix-id: {msg_id}\r\nsvix-timestamp: {now}\r\nsvix-signature: v1,{sig}\r\n"
                       f"Content-Length: {len(data)}\r\n\r\n").encode() + data
            raw[i % threads].write(b"%08d" % len(request) + request)
for f in raw:
    f.close()
