#!/usr/bin/env python3
"""moto in server mode, with the fixes the AWS SDK for Rust needs (see README.md here).

Usage: moto_server.py [--host 127.0.0.1] --port PORT

A WSGI middleware in front of moto's own application:

- rewrites the XML root element of responses that moto 5.2 serialises under the wrong name, which
  the Rust SDK rejects ("encountered invalid XML root"): GetBucketVersioning
  (VersioningConfiguration), GetBucketAccelerateConfiguration (AccelerateConfiguration),
  GetBucketNotification (NotificationConfiguration) and ListParts (ListPartsResult);
- implements GetBucketRequestPayment / PutBucketRequestPayment, which moto lacks;
- makes conditional PUTs (If-None-Match / If-Match) atomic: moto checks the condition and then
  writes, and its server is threaded, so two concurrent "create if absent" could both succeed;
  the middleware serialises them (the state lock of the s3 backend depends on it);
- exits when its parent process (the test binary) is gone, so no server outlives a test run.
"""

import argparse
import os
import re
import sys
import threading
import time
from urllib.parse import parse_qs

from werkzeug.serving import make_server

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"

# Query parameter of a GET → the root element the SDK expects.
ROOT_FIXES = [
    ("versioning", "VersioningConfiguration"),
    ("accelerate", "AccelerateConfiguration"),
    ("notification", "NotificationConfiguration"),
    ("uploadId", "ListPartsResult"),
]

_ROOT_START = re.compile(rb"<([A-Za-z_][\w.\-]*)")


def fix_root(body: bytes, root: str) -> bytes:
    """Renames the document's root element (start and end tag) to `root`."""
    pos = 0
    while True:
        m = _ROOT_START.search(body, pos)
        if m is None:
            return body
        # Skip the XML declaration and comments (they start with "<?" / "<!", which the
        # pattern does not match, so any match is an element).
        break
    old = m.group(1)
    if old == root.encode():
        return body
    new = root.encode()
    body = body[: m.start(1)] + new + body[m.end(1) :]
    end_tag = b"</" + old + b">"
    idx = body.rfind(end_tag)
    if idx >= 0:
        body = body[:idx] + b"</" + new + b">" + body[idx + len(end_tag) :]
    return body


class Fixes:
    def __init__(self, app):
        self.app = app
        self.conditional = threading.Lock()
        self.payers = {}
        self.payers_lock = threading.Lock()

    def bucket_of(self, environ) -> str:
        path = environ.get("PATH_INFO", "/").lstrip("/")
        return path.split("/", 1)[0]

    def request_payment(self, environ, start_response, method):
        bucket = self.bucket_of(environ)
        if method == "PUT":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            m = re.search(rb"<Payer>\s*(\w+)\s*</Payer>", body)
            with self.payers_lock:
                self.payers[bucket] = (m.group(1).decode() if m else "BucketOwner")
            start_response("200 OK", [("Content-Length", "0")])
            return [b""]
        with self.payers_lock:
            payer = self.payers.get(bucket, "BucketOwner")
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<RequestPaymentConfiguration xmlns="{S3_NS}"><Payer>{payer}</Payer></RequestPaymentConfiguration>'
        ).encode()
        start_response("200 OK", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
        return [body]

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)

        if "requestPayment" in query and method in ("GET", "PUT"):
            return self.request_payment(environ, start_response, method)

        root = None
        if method == "GET":
            for param, expected in ROOT_FIXES:
                if param in query:
                    root = expected
                    break

        conditional = method == "PUT" and (
            environ.get("HTTP_IF_NONE_MATCH") is not None or environ.get("HTTP_IF_MATCH") is not None
        )

        if root is None and not conditional:
            return self.app(environ, start_response)

        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = headers
            return lambda data: None

        if conditional:
            with self.conditional:
                body = b"".join(self.app(environ, capture))
        else:
            body = b"".join(self.app(environ, capture))

        status = captured.get("status", "500 Internal Server Error")
        headers = [(k, v) for (k, v) in captured.get("headers", []) if k.lower() != "content-length"]
        if root is not None and status.startswith("200"):
            body = fix_root(body, root)
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]


def exit_with_parent():
    parent = os.getppid()
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()

    threading.Thread(target=exit_with_parent, daemon=True).start()
    app = Fixes(DomainDispatcherApplication(create_backend_app))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"moto (with infra's fixes) on http://{args.host}:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
