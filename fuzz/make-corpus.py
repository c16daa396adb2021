#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/<target>/corpus/ (run from anywhere; standard library only).

Seeds are small valid inputs taken from the tests and the shipped routes: requests from
Tests/HTTP1Tests, the Svix and GitHub documented deliveries from Tests/SigningTests (plus
deliveries for the other schemes signed here with the fuzz target's fixed key), the route
files in routes/, and event-log segments written by the tiny generator below (the format of
docs/log-format.md, records encoded like Sources/Gateway/Log/LogEvent.swift and
Sources/Notify/DeliveryEvent+Coding.swift).
"""
import base64
import hashlib
import hmac
import os
import struct

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)


def put(target, name, data):
    folder = os.path.join(FUZZ, target, "corpus")
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- http-request: byte 0 limits selector, byte 1 read-split seed, then the stream ------------

def http(name, stream, selector=0, seed=1):
    put("http-request", name, bytes([selector, seed]) + stream.encode("latin-1"))

http("pipelined", "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                  "GET /b?x=1&y=a%20b+c HTTP/1.1\r\nHost: x\r\n\r\n")
http("chunked-trailer", "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n", seed=7)
http("expect-continue", "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\nbody")
http("http10-close", "\r\nGET /old HTTP/1.0\r\n\r\nGET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
http("webhook", "POST /webhooks/yunojuno HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Type: application/json\r\n"
                "svix-id: msg_p5jXN8AQM9LWM0D4loKWxJek\r\nsvix-timestamp: 1614265330\r\n"
                "svix-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=\r\nContent-Length: 20\r\n\r\n"
                '{"test": 2432232314}')
http("refused-cl-and-te", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
http("refused-obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n")
http("chunked-too-large", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "a\r\n0123456789\r\n7\r\n0123456\r\n0\r\n\r\n", selector=0x02)
http("small-head-limit", "GET /long/path HTTP/1.1\r\nHost: example\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", selector=0x1C)
http("amplified", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", selector=0xE0)
# Fixed bugs, kept as seeds so every run re-checks them (see Tests/HTTP1Tests/FuzzRegressionTests.swift).
http("regression-trailer-at-buffer-end", "T / HTTP/1.1\r\nHost:\r\nTransfer-Encoding:chunked\r\n\r\n0\r\n:\r\n", seed=ord("O"))
http("regression-endless-chunk-line", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "a" * 1100,
     selector=0x0B)


# --- signature-headers: "name: value" lines, an empty line, the body -----------------------------

SECRET = b"It's a Secret to Everybody"   # the target's fixed key for every scheme but Svix/Standard Webhooks
TS = "1614265330"                        # the target's fixed now is 1614265340


def tag(content):
    return hmac.new(SECRET, content, hashlib.sha256).digest()


def delivery(name, headers, body):
    text = "".join(f"{k}: {v}\n" for k, v in headers) + "\n"
    put("signature-headers", name, text.encode() + body)

svix_body = b'{"test": 2432232314}'
svix_headers = [("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"), ("svix-timestamp", TS),
                ("svix-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
delivery("svix-documented", svix_headers, svix_body)
delivery("standard-webhooks-documented", [(k.replace("svix-", "webhook-"), v) for k, v in svix_headers]
         + [("webhook-signature", "v1a,bm90IGEgdjEgdGFn v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")], svix_body)
delivery("github-documented", [("x-hub-signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                               ("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")], b"Hello, World!")
body = b'{"id":"evt_1","type":"customer.created"}'
delivery("stripe", [("stripe-signature", f"t={TS},v1={tag(TS.encode() + b'.' + body).hex()},v0=00")], body)
delivery("shopify", [("x-shopify-hmac-sha256", base64.b64encode(tag(body)).decode()), ("x-shopify-webhook-id", "w-1")], body)
delivery("slack", [("x-slack-request-timestamp", TS),
                   ("x-slack-signature", "v0=" + tag(b"v0:" + TS.encode() + b":" + body).hex())], body)
delivery("generic", [("x-signature", "sha256=" + tag(TS.encode() + b"." + body).hex()), ("x-timestamp", TS),
                     ("x-delivery", "d-1")], body)
delivery("configured", [("@secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), ("@hmac-header", "X-Custom-Sig"),
                        ("@hmac-encoding", "base64"), ("@hmac-prefix", "v1="), ("@hmac-timestamp", "X-Custom-Ts"),
                        ("@hmac-id", "X-Custom-Id"), ("@id", "evt 1"), ("@now", "-9223372036854775808"),
                        ("@tolerance", "0"), ("x-custom-sig", "v1=" + base64.b64encode(b"x" * 32).decode()),
                        ("x-custom-ts", "9999999999999999999"), ("x-custom-id", "c-1")], body)


# --- route-template: route files, a template, an event body ------------------------------------

for route in ("yunojuno.json", "signup-form.json"):
    with open(os.path.join(ROOT, "routes", route), "rb") as f:
        put("route-template", route, f.read())
put("route-template", "template", "Hello {{ data.object.first_name | upper }} <{{ data.object.email | trim | lower }}>"
                                  " from {{ $event.source }}{{ submission.name | split:' ' | first | default:'?' }}")
put("route-template", "whole-placeholder", "{{ data.object.tags | join:'|' | concat:\"}}\" }}")
put("route-template", "conditions.json", """{
  "example": {"kind": "signup", "n": 2, "list": [1, 2.5, "x"]},
  "rules": [{"name": "r", "when": {"type": ["signup", "client.*"]},
             "if": {"all": [{"exists": "kind"}, {"not": {"in": {"path": "n", "values": [1, 3]}}},
                            {"any": [{"prefix": {"path": "kind", "value": "sig"}}, {"equals": {"path": "list.1", "value": 2.5}}]}]},
             "key": "{{ kind }}",
             "actions": [{"name": "a", "api": "roosted", "operation": "create_client",
                          "body": {"client_name": "{{ list | last | default:'none' }}", "n": "{{ n }}"}}],
             "notify": ["ops"]}]
}""")
put("route-template", "regression-infinite-number.json", '{"":1e388}')  # Tests/RoutingTests/FuzzRegressionTests.swift
put("route-template", "body.json", '{"event_type":"client.client_contact.created","data":{"object":'
                                   '{"email":"ada@example.com","first_name":"Ada","tags":["a","b"],"n":1e3,"u":"\\u00e9\\ud83d\\ude00"}}}')


# --- log-record: byte 0 layout (see fuzz/log-record/main.swift), then segment bytes ------------

CASTAGNOLI = 0x82F63B78


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ CASTAGNOLI if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF

assert crc32c(b"123456789") == 0xE3069283


def header(base):
    head = b"GHEVTLOG" + struct.pack("<IQ", 1, base)
    return head + struct.pack("<I", crc32c(head))


def segment(payloads, base=0):
    out = header(base)
    for payload in payloads:
        offset = base + len(out) - 24
        length = struct.pack("<I", len(payload))
        out += struct.pack("<I", crc32c(payload, crc32c(struct.pack("<Q", offset) + length))) + length + payload
    return out


def blob(data):
    if isinstance(data, str):
        data = data.encode()
    return struct.pack("<I", len(data)) + data


def opt(text):
    return b"\x00" if text is None else b"\x01" + blob(text)


def i64(value):
    return struct.pack("<q", value)


received = (b"\x01\x01" + blob("yunojuno") + blob("msg_1") + opt("client.client_contact.created") + i64(1700000000000)
            + b"\x01" + i64(1700000000) + opt("application/json") + blob('{"data":{"object":{"email":"ada@example.com"}}}'))
jobs = ('[{"id":"j1","rule":"contact","key":"ada@example.com","notify":[],"actions":[{"name":"create","api":"growcrm",'
        '"operation":"create_contact","params":{},"body":{"email":"{{ data.object.email }}"}}]}]')
routed = b"\x02\x01" + struct.pack("<Q", 0) + blob("yunojuno") + blob("msg_1") + i64(1700000000100) + blob(jobs)
routed_none = b"\x02\x01" + struct.pack("<Q", 0) + blob("yunojuno") + blob("msg_2") + i64(1) + blob(b"")
started = b"\x03\x01" + blob("j1") + i64(0) + i64(1) + i64(1700000000200)
succeeded = (b"\x04\x01" + blob("j1") + i64(0) + i64(1) + i64(1700000000300) + i64(12) + i64(201)
             + b"\x01" + blob('{"id":7}') + opt(None))
retrying = b"\x04\x01" + blob("j1") + i64(0) + i64(2) + i64(1) + i64(0) + i64(-1) + b"\x02" + blob("timeout") + i64(2)
requeued = b"\x05\x01" + blob("j1") + i64(5) + blob("operator")
remapped = b"\x06\x01" + struct.pack("<Q", 0) + blob("yunojuno") + blob("msg_1") + i64(9) + blob(b"")
planned = (b"\x40\x01" + blob("d1") + blob("ops") + i64(2) + blob("ntf_1") + blob("event.received") + i64(1)
           + blob('{"event_id":"msg_1","source":"yunojuno"}'))
delivery_failed = b"\x42\x01" + blob("d1") + i64(1) + i64(3) + i64(503) + i64(40) + b"\x02" + blob("503") + i64(5000)
delivery = [b"\x07\x01" + blob(planned), b"\x07\x01" + blob(delivery_failed),
            b"\x07\x01" + blob(b"\x45\x01" + blob("ops") + i64(1) + i64(2))]
events = [received, routed, routed_none, started, succeeded, retrying, requeued, remapped] + delivery

valid = segment(events)
put("log-record", "segment-valid", b"\x00" + valid)
put("log-record", "segment-torn-tail", b"\x00" + valid + segment([b"half a record"])[24:][:-5])
put("log-record", "segment-damage-then-record", b"\x08" + segment([b"one"]) + b"\x01\x00\x00\x00\x02\x00\x00\x00xy"
    + b"\x00\x00\x00\x00\x03\x00\x00\x00abc")
put("log-record", "segment-empty", b"\x10" + header(0))
put("log-record", "tail-after-generated", b"\x41" + b"\x05\x00\x00\x00\xff\xff")
put("log-record", "sealed-then-input", b"\xc2" + header(0) + b"\x00" * 8)
put("log-record", "input-then-valid", b"\x63" + segment([b"a", b"bb"]))
# A segment named and headed with base 2^64 - 1 (Tests/EventLogTests/FuzzRegressionTests.swift).
put("log-record", "regression-base-overflow", b"\x0d\x00" + b"\xff" * 4 + b"\x00" + b"\xff" * 14)
for number, event in enumerate(events):
    put("log-record", f"event-{number}", b"\x00" + event)
