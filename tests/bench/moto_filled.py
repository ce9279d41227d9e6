"""moto's server, plus a way to fill an S3 folder in the server's own process.

Benches that need a folder of 100,000 objects would spend a quarter of an hour putting them
one PutObject at a time (moto stores about 110 to 300 a second); this puts them straight into
moto's S3 backend in a few seconds. Everything else is moto's server as `moto_server` runs it,
answering the benches over HTTP.

Usage: moto_filled.py PORT
Prints `ready` once the server listens. Then reads commands on stdin, one a line:
    fill BUCKET PREFIX COUNT    puts COUNT 64-byte objects PREFIX000000.jpg ... into BUCKET
                                (which must exist), then prints `filled COUNT`
The server stops when stdin closes.
"""

import sys

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer


def main() -> None:
    port = int(sys.argv[1])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if len(words) == 4 and words[0] == "fill":
            bucket, prefix, count = words[1], words[2], int(words[3])
            backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
            try:
                for i in range(count):
                    backend.put_object(bucket, f"{prefix}{i:06d}.jpg", b"x" * 64)
            except Exception as e:  # the bench reads the line and stops with it
                print(f"error: {e}", flush=True)
                continue
            print(f"filled {count}", flush=True)
        elif words:
            print(f"unknown command: {line.strip()}", flush=True)
    server.stop()


if __name__ == "__main__":
    main()
