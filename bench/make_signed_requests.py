#!/usr/bin/env python3
"""Writes N distinct, correctly Svix-signed webhook requests (1 KB JSON bodies) for wrk.

Each line of the output is one request as `id<TAB>timestamp<TAB>signature<TAB>body`; the wrk
script turns lines into POSTs. The signature follows the Standard Webhooks definition:
base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")) with key = base64decode(secret after whsec_).
"""
import base64, hashlib, hmac, json, sys, time

secret, count, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
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
