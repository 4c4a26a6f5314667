"""Write an array to S3 in the native block format, list what was written, read it back,
compare and delete it.

Usage: python examples/s3_roundtrip.py [s3://bucket/prefix] [--rows N] [--block-rows B]
                                      [--create-bucket]

The URL defaults to ``NUMS_S3_URL``. Credentials, region and endpoint come from the AWS
environment or configuration (``AWS_ACCESS_KEY_ID``, ``AWS_PROFILE``, ``AWS_ENDPOINT_URL``
for an S3-compatible server such as MinIO or moto, ...). ``--create-bucket`` creates the
bucket first if it does not exist (handy against a local test server). For example, with
moto's server on loopback::

    moto_server -H 127.0.0.1 -p 5555 &
    AWS_ENDPOINT_URL=http://127.0.0.1:5555 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x \\
        AWS_DEFAULT_REGION=us-east-1 python examples/s3_roundtrip.py s3://demo/Arrays/x \\
        --create-bucket
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import boto3
import numpy

import nums
import nums.numpy as np


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default=os.environ.get("NUMS_S3_URL"))
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--block-rows", type=int, default=25_000)
    parser.add_argument("--create-bucket", action="store_true")
    args = parser.parse_args(argv)
    if not args.url or not args.url.startswith("s3://"):
        parser.error("give an s3://bucket/prefix URL (or set NUMS_S3_URL)")
    bucket, _, prefix = args.url[len("s3://"):].partition("/")
    s3 = boto3.client("s3")  # the same environment nums's tasks use
    print(f"endpoint: {s3.meta.endpoint_url}")
    if args.create_bucket:
        try:
            s3.head_bucket(Bucket=bucket)
        except s3.exceptions.ClientError:
            s3.create_bucket(Bucket=bucket)
            print(f"created bucket {bucket!r}")

    x = np.random.default_rng(0).standard_normal((args.rows, 16),
                                                 block_shape=(args.block_rows, 16))
    start = time.perf_counter()
    nums.write(args.url, x)
    print(f"wrote {x.shape} float64 in blocks of {x.block_shape} ({x.nbytes / 1e6:.1f} MB) "
          f"to {args.url} in {time.perf_counter() - start:.2f} s")

    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix.rstrip("/") + "/")
    objects = listing.get("Contents", [])
    print(f"{len(objects)} objects under s3://{bucket}/{prefix}:")
    for item in objects[:5]:
        print(f"  {item['Key']}  {item['Size']} bytes")
    if len(objects) > 5:
        print(f"  ... and {len(objects) - 5} more")

    start = time.perf_counter()
    y = nums.read(args.url)
    same = bool(numpy.array_equal(y.get(), x.get()))
    print(f"read back {y.shape} in blocks of {y.block_shape} in "
          f"{time.perf_counter() - start:.2f} s; identical: {same}")

    nums.delete(args.url)
    left = s3.list_objects_v2(Bucket=bucket, Prefix=prefix.rstrip("/") + "/").get("KeyCount")
    print(f"deleted; exists: {nums.exists(args.url)}, objects left under the prefix: {left}")
    nums.shutdown()
    return 0 if same and not left else 1


if __name__ == "__main__":
    sys.exit(main())
