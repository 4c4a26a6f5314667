"""S3 URLs against a real S3 endpoint: moto's standalone server on 127.0.0.1, spoken to over
HTTP by boto3 in the driver and in the workers (no mocking). The endpoint and fake
credentials reach the workers through the environment (``AWS_ENDPOINT_URL``, set before the
session's workers start) or through ``storage_options=``; moto's IAM enforcement gives real
access-denied answers. Round trips of several dtypes and block layouts, replacement, mixed-
case keys, exists/delete, corruption and missing objects named, multipart uploads, and
read_csv's ranged reads against pyarrow on the same bytes, on every backend."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import urllib.request
import uuid

import numpy as np
import pyarrow.csv as pcsv
import pytest
from nums_helpers import BACKEND_CONFIGS, BLOCK_BYTES, assert_same

import nums
import nums.numpy as nps
from nums.io import _csv, _s3

pytestmark = pytest.mark.s3
boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server", reason="the s3 tier needs moto[server] "
                                                        "(pip install -e '.[test]')")


class Server:
    """The running moto server, its endpoint and the backend whose workers see it."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.client = boto3.client("s3", endpoint_url=endpoint)
        self.session_backend = None

    def bucket(self) -> str:
        name = f"nums-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket,
                                                                      Prefix=prefix)
        return sorted(o["Key"] for p in pages for o in p.get("Contents", []))

    def auth(self, count: str) -> None:
        """moto's IAM enforcement: "0" from the next request on, "inf" off."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset-auth",
                                         data=count.encode(), method="POST",
                                         headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200


@pytest.fixture(scope="module")
def s3():
    """A moto S3 server on loopback for this module, with the AWS environment pointing at
    it (fake credentials); both are undone at the end."""
    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
                     "AWS_SECURITY_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
            env.delenv(name, raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.setenv("AWS_CONFIG_FILE", "/nonexistent/nums-test-aws-config")
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/nums-test-aws-credentials")
        quiet = logging.getLogger("werkzeug")  # one line per request otherwise
        level = quiet.level
        quiet.setLevel(logging.WARNING)
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            endpoint = f"http://{host}:{port}"
            env.setenv("AWS_ENDPOINT_URL", endpoint)
            server_state = Server(endpoint)
            yield server_state
        finally:
            server.stop()
            quiet.setLevel(level)
    if server_state.session_backend is not None:  # workers that saw the server's environment
        nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[server_state.session_backend]})


@pytest.fixture(autouse=True)
def workers_see_s3(s3, backend_name, nums_session):
    """Restart the session once per backend so that its workers inherit the environment."""
    if s3.session_backend != backend_name:
        nums.init(**{"block_bytes": BLOCK_BYTES, **BACKEND_CONFIGS[backend_name]})
        s3.session_backend = backend_name


def _values(shape, dtype):
    rng = np.random.default_rng(7)
    raw = rng.integers(0, 100, size=shape)
    dtype = np.dtype(dtype)
    if dtype.fields:
        out = np.zeros(shape, dtype)
        out["a"], out["b"] = raw, raw / 3
        return out
    if dtype.kind == "c":
        return (raw + 1j * raw).astype(dtype)
    if dtype.kind == "U":
        return raw.astype(str).astype(dtype)
    return (raw % 2 if dtype.kind == "b" else raw / (1 if dtype.kind in "iu" else 7)
            ).astype(dtype)


@pytest.mark.parametrize("dtype,shape,block_shape", [
    ("float64", (7, 5), (3, 2)),
    ("int32", (11,), (4,)),
    ("bool", (4, 3, 5), (3, 2, 2)),
    ("complex64", (), ()),
    ("U3", (5, 4), (5, 1)),
    ([("a", "<i4"), ("b", "<f8")], (6,), (4,)),
    ("float32", (0, 4), (1, 2)),
], ids=str)
def test_round_trip_layout_and_exists(s3, dtype, shape, block_shape):
    bucket = s3.bucket()
    value = _values(shape, dtype)
    x = nps.array(value, block_shape=block_shape)
    url = f"s3://{bucket}/arrays/x"
    nums.write(url, x)
    assert nums.exists(url) and not nums.exists(f"s3://{bucket}/arrays/y")
    keys = s3.keys(bucket)
    assert keys[-1] == "arrays/x/manifest.json"
    blocks = keys[:-1]
    assert len(blocks) == max(1, int(np.prod(x.grid_shape)))
    data = blocks[0].split("/")[2]
    assert data.startswith("data-")
    assert {k.split("/")[-1] for k in blocks} == {
        "block-" + (".".join(map(str, idx)) or "0") + ".npy" for idx in x.grid.indices()}
    y = nums.read(url)
    assert y.block_shape == x.block_shape
    assert_same(y, value)


def test_replace_keeps_it_readable_and_removes_the_old_data(s3):
    bucket = s3.bucket()
    url = f"s3://{bucket}/d"
    a, b = np.arange(60.0).reshape(12, 5), np.arange(81).reshape(9, 9)
    nums.write(url, nps.array(a, block_shape=(5, 5)))
    first = set(s3.keys(bucket))
    nums.write(url, nps.array(b, block_shape=(4, 4)))
    after = set(s3.keys(bucket))
    assert not (first - {"d/manifest.json"}) & after  # the old blocks are gone
    assert len({k.split("/")[1] for k in after if k != "d/manifest.json"}) == 1
    assert len(after) == 1 + 9
    assert_same(nums.read(url), b)


def test_stale_data_of_a_crashed_write_is_removed_and_young_data_kept(s3, monkeypatch):
    bucket = s3.bucket()
    url = f"s3://{bucket}/d"
    s3.client.put_object(Bucket=bucket, Key="d/data-crashed/block-0.npy", Body=b"partial")
    nums.write(url, nps.arange(4.0))
    assert "d/data-crashed/block-0.npy" in s3.keys(bucket)  # young: maybe a running write
    monkeypatch.setattr("nums.io._native.STALE_SECONDS", -1.0)
    nums.write(url, nps.arange(3.0))
    assert not [k for k in s3.keys(bucket) if "crashed" in k]
    assert_same(nums.read(url), np.arange(3.0))


def test_mixed_case_keys_round_trip(s3):
    bucket = s3.bucket()
    url = f"s3://{bucket}/Data/MixedCase/Array"
    value = np.arange(24.0).reshape(4, 6)
    nums.write(url, nps.array(value, block_shape=(2, 3)))
    keys = s3.keys(bucket)
    assert "Data/MixedCase/Array/manifest.json" in keys
    assert all(k.startswith("Data/MixedCase/Array/") for k in keys)
    assert_same(nums.read(url), value)
    assert not nums.exists(f"s3://{bucket}/data/mixedcase/array")
    with pytest.raises(FileNotFoundError, match="data/mixedcase/array"):
        nums.read(f"s3://{bucket}/data/mixedcase/array")


def test_delete_and_missing_dataset(s3):
    bucket = s3.bucket()
    url = f"s3://{bucket}/p/x"
    nums.write(url, nps.ones((5, 5), block_shape=(2, 2)))
    s3.client.put_object(Bucket=bucket, Key="p/other", Body=b"not ours")
    nums.delete(url)
    assert not nums.exists(url)
    assert s3.keys(bucket) == ["p/other"]
    with pytest.raises(FileNotFoundError, match=f"no nums dataset at 's3://{bucket}/p/x'.*"
                                                f"s3://{bucket}/p/x/manifest.json"):
        nums.read(url)
    with pytest.raises(FileNotFoundError, match="no nums dataset"):
        nums.delete(url)


def test_corrupt_and_missing_blocks_are_named(s3):
    bucket = s3.bucket()
    url = f"s3://{bucket}/c"
    nums.write(url, nps.array(np.arange(40.0).reshape(8, 5), block_shape=(3, 5)))
    key = next(k for k in s3.keys(bucket) if k.endswith("block-1.0.npy"))
    good = s3.client.get_object(Bucket=bucket, Key=key)["Body"].read()
    raw = bytearray(good)
    raw[-3] ^= 0xFF
    s3.client.put_object(Bucket=bucket, Key=key, Body=bytes(raw))
    with pytest.raises(OSError, match=rf"block \(1, 0\).*checksum mismatch in s3://{bucket}/"
                                      rf"{key}"):
        nums.read(url).get()
    s3.client.put_object(Bucket=bucket, Key=key, Body=good[:20])
    with pytest.raises(OSError, match=r"block \(1, 0\).*not a readable block"):
        nums.read(url).get()
    s3.client.put_object(Bucket=bucket, Key=key, Body=good)
    missing = key.replace("block-1.0", "block-2.0")
    s3.client.delete_object(Bucket=bucket, Key=missing)
    with pytest.raises(FileNotFoundError, match=rf"block \(2, 0\).*s3://{bucket}/{missing}"):
        nums.read(url)[6:].get()


def test_missing_bucket_and_key_are_named(s3):
    with pytest.raises(FileNotFoundError, match="bucket 'nums-no-such-bucket' does not exist"):
        nums.read("s3://nums-no-such-bucket/x")
    assert not nums.exists("s3://nums-no-such-bucket/x")
    with pytest.raises(FileNotFoundError, match="bucket 'nums-no-such-bucket' does not exist"):
        nums.write("s3://nums-no-such-bucket/x", nps.arange(3))
    with pytest.raises(FileNotFoundError, match="bucket 'nums-no-such-bucket' does not exist"):
        nums.read_csv("s3://nums-no-such-bucket/a.csv")
    bucket = s3.bucket()
    with pytest.raises(FileNotFoundError, match=f"s3://{bucket}/dir/Missing.csv does not "
                                                "exist"):
        nums.read_csv(f"s3://{bucket}/dir/Missing.csv")
    with pytest.raises(ValueError, match="unknown storage_options.*endpoint"):
        nums.read(f"s3://{bucket}/x", storage_options={"endpoint": s3.endpoint})
    with pytest.raises(ValueError, match="no bucket"):
        nums.read("s3:///x")


def _iam_user(s3, name: str, statements: list) -> dict:
    iam = boto3.client("iam", endpoint_url=s3.endpoint)
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"],
            "aws_secret_access_key": key["SecretAccessKey"],
            "endpoint_url": s3.endpoint, "region_name": "us-east-1"}


def test_credentials_in_storage_options_reach_the_workers_and_access_denied_is_named(s3):
    bucket = s3.bucket()
    suffix = uuid.uuid4().hex[:8]
    allowed = _iam_user(s3, f"writer-{suffix}", [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])
    no_blocks = _iam_user(s3, f"reader-{suffix}", [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/d/data-*"}])
    value = np.arange(30.0).reshape(6, 5)
    s3.auth("0")
    try:
        # the environment's credentials are unknown to IAM now: only storage_options work
        with pytest.raises(PermissionError, match=f"s3://{bucket}/d.*access denied to bucket "
                                                  f"'{bucket}'"):
            nums.write(f"s3://{bucket}/d", nps.arange(3.0))
        nums.write(f"s3://{bucket}/d", nps.array(value, block_shape=(2, 5)),
                   storage_options=allowed)
        assert_same(nums.read(f"s3://{bucket}/d", storage_options=allowed), value)
        with pytest.raises(PermissionError, match=rf"block \(\d, 0\).*access denied to "
                                                  rf"bucket '{bucket}', key 'd/data-"):
            nums.read(f"s3://{bucket}/d", storage_options=no_blocks).get()
    finally:
        s3.auth("inf")


def test_large_block_goes_through_multipart_upload(s3):
    bucket = s3.bucket()
    value = np.arange(6 * 2**17, dtype=np.float64).reshape(768, 1024)  # one 6 MiB block
    options = {"multipart_threshold": 5 * 2**20, "multipart_chunksize": 5 * 2**20}
    nums.write(f"s3://{bucket}/big", nps.array(value, block_shape=(768, 1024)),
               storage_options=options)
    key = next(k for k in s3.keys(bucket) if k.endswith(".npy"))
    etag = s3.client.head_object(Bucket=bucket, Key=key)["ETag"]
    assert etag.strip('"').endswith("-2")  # S3's ETag of a 2-part multipart upload
    assert_same(nums.read(f"s3://{bucket}/big"), value)
    nums.write(f"s3://{bucket}/small", nps.array(value[:10], block_shape=(10, 1024)),
               storage_options=options)
    key = next(k for k in s3.keys(bucket, "small/") if k.endswith(".npy"))
    assert "-" not in s3.client.head_object(Bucket=bucket, Key=key)["ETag"]


CSV = ('id,"note, with comma",value,Weight\r\n'
       + "".join(f'{i},"a, ""{i}""\nb",{i * 0.5 if i % 7 else ""},{i * i}\r\n'
                 for i in range(30))
       + "30,plain,1e3,-1")  # no final newline


@pytest.mark.parametrize("part_bytes", [41, 300, 1 << 20])
def test_read_csv_from_s3_matches_pyarrow_on_the_same_bytes(s3, tmp_path, monkeypatch,
                                                            part_bytes):
    monkeypatch.setattr(_csv, "PART_BYTES", part_bytes)
    bucket = s3.bucket()
    s3.client.put_object(Bucket=bucket, Key="In/Data.csv", Body=CSV.encode())
    (tmp_path / "data.csv").write_bytes(CSV.encode())
    columns = ["id", "value", "Weight"]
    table = pcsv.read_csv(tmp_path / "data.csv",
                          parse_options=pcsv.ParseOptions(newlines_in_values=True),
                          convert_options=pcsv.ConvertOptions(include_columns=columns))
    expected = np.column_stack([c.to_numpy(zero_copy_only=False).astype(float)
                                for c in table.columns])
    got = nums.read_csv(f"s3://{bucket}/In/Data.csv", usecols=columns)
    assert got.shape == (31, 3)
    assert_same(got, expected)
    by_options = nums.read_csv(f"s3://{bucket}/In/Data.csv", usecols=[0, 3], columns=True,
                               storage_options={"endpoint_url": s3.endpoint})
    assert list(by_options) == ["id", "Weight"]
    assert_same(by_options["Weight"], expected[:, 2])
    with pytest.raises(ValueError, match=f"s3://{bucket}/In/Data.csv: column 'note, with "
                                         "comma' is not numeric"):
        nums.read_csv(f"s3://{bucket}/In/Data.csv").get()


def test_read_csv_errors_name_the_object_and_line(s3, monkeypatch):
    monkeypatch.setattr(_csv, "PART_BYTES", 6)
    bucket = s3.bucket()
    s3.client.put_object(Bucket=bucket, Key="bad.csv", Body=b'a,b\n1,2\n3,"4\n4"\n5,6,7\n8,9\n')
    with pytest.raises(ValueError, match=rf"s3://{bucket}/bad\.csv, line 5: expected 2 "
                                         "columns, found 3"):
        nums.read_csv(f"s3://{bucket}/bad.csv", usecols=["a"]).get()


def test_one_client_per_process_and_options_and_no_boto3_on_import(s3, backend_name):
    a = _s3.client({"endpoint_url": s3.endpoint})
    assert _s3.client({"endpoint_url": s3.endpoint, "multipart_threshold": 1}) is a
    assert _s3.client({"endpoint_url": s3.endpoint, "region_name": "eu-west-1"}) is not a
    if backend_name != "serial":
        return  # the import check does not depend on the backend
    code = "import sys, nums; sys.exit('boto3' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_local_read_csv_and_stores_are_unchanged_by_s3_options(tmp_path):
    (tmp_path / "f.csv").write_text("a\n1\n")
    with pytest.raises(ValueError, match="storage_options apply to s3://"):
        nums.read_csv(tmp_path / "f.csv", storage_options={"region_name": "x"})
    assert_same(nums.read_csv(tmp_path / "f.csv"), np.array([[1.0]]))


def test_zarr_on_s3_round_trip_overwrite_and_readers(s3):
    """Zarr arrays on an S3 prefix: parallel writes, readable by zarr itself, an overwrite
    removes the old chunks, a failed write leaves no array."""
    import zarr

    from nums.io._paths import store_for
    from nums.io._zarr_store import NumsZarrStore

    bucket = s3.bucket()
    url = f"s3://{bucket}/Arrays/x.zarr"  # keys keep their case
    a = np.arange(60.0).reshape(12, 5)
    nums.write_zarr(url, nps.array(a, block_shape=(5, 2)))
    keys = set(s3.keys(bucket))
    assert "Arrays/x.zarr/zarr.json" in keys and "Arrays/x.zarr/c/2/2" in keys
    z = zarr.open_array(store=NumsZarrStore(store_for(url), read_only=True), mode="r")
    np.testing.assert_array_equal(z[...], a)
    assert_same(nums.read_zarr(url), a)
    with pytest.raises(FileExistsError):
        nums.write_zarr(url, nps.ones(3))
    b = np.arange(12).reshape(3, 4)
    nums.write_zarr(url, nps.array(b, block_shape=(3, 4)), overwrite=True)
    assert set(s3.keys(bucket)) == {"Arrays/x.zarr/zarr.json", "Arrays/x.zarr/c/0/0"}
    assert_same(nums.read_zarr(url), b)
    with pytest.raises(TypeError):
        nums.write_zarr(url, nps.array(np.array([object()] * 3)), overwrite=True)
    assert_same(nums.read_zarr(url), b)  # refused before anything was touched
    with pytest.raises(FileNotFoundError, match="no Zarr array"):
        nums.read_zarr(f"s3://{bucket}/nothing.zarr")
