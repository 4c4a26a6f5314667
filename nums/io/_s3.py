"""S3 as a store (:mod:`nums.io._stores`): a bucket and a key prefix, through boto3.

boto3 is imported on first use (``import nums`` does not import it). Credentials, region
and endpoint come from boto3's usual sources (``AWS_ACCESS_KEY_ID``, ``AWS_PROFILE``,
``AWS_ENDPOINT_URL``, ``~/.aws/config``, ...) unless ``storage_options`` name them; the
options travel inside the store to the worker tasks, which also inherit the environment.
Each process keeps one client per distinct options and AWS environment (clients are thread
safe; the sessions that make them are not, hence the lock).

Objects up to ``multipart_threshold`` bytes are written by one PUT, larger ones by a
multipart upload; both are atomic (the object appears when complete). Errors name the
bucket and key: FileNotFoundError for a missing bucket or key, PermissionError for access
denied or missing credentials, OSError otherwise.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable
from typing import IO, Any

from nums.io._stores import Store

MULTIPART_THRESHOLD = 64 * 2**20  # bytes from which an object is uploaded in parts
MULTIPART_CHUNKSIZE = 16 * 2**20  # the size of each part (S3's minimum is 5 MiB)
RANGE_BUFFER = 1 << 20  # bytes fetched at least by one ranged GET of open_ranges()

# storage_options: boto3 session and client arguments, and nums's own
SESSION_OPTIONS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token",
                   "region_name", "profile")
CLIENT_OPTIONS = ("endpoint_url",)
NUMS_OPTIONS = ("multipart_threshold", "multipart_chunksize")
OPTIONS = SESSION_OPTIONS + CLIENT_OPTIONS + NUMS_OPTIONS

_clients: dict[tuple, Any] = {}
_lock = threading.Lock()


def client(options: dict) -> Any:
    """The process's boto3 S3 client for ``options`` (made once per process, options and
    AWS environment, which boto3 reads when it makes the client)."""
    key = (os.getpid(),
           tuple(sorted((k, str(v)) for k, v in options.items() if k not in NUMS_OPTIONS)),
           tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_"))))
    found = _clients.get(key)
    if found is not None:
        return found
    with _lock:
        if key not in _clients:
            import boto3
            import botocore.config

            session_args = {("profile_name" if k == "profile" else k): options[k]
                            for k in SESSION_OPTIONS if options.get(k) is not None}
            session = boto3.session.Session(**session_args)
            _clients[key] = session.client(
                "s3", endpoint_url=options.get("endpoint_url"),
                config=botocore.config.Config(retries={"mode": "standard"}))
        return _clients[key]


class S3Store(Store):
    """The keys under ``prefix`` in ``bucket`` (keys keep their case)."""

    def __init__(self, bucket: str, prefix: str, storage_options: dict | None = None):
        options = dict(storage_options or {})
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise ValueError(f"nums I/O: unknown storage_options {unknown}; the valid ones "
                             f"are {list(OPTIONS)}")
        self.bucket, self.prefix, self.options = bucket, prefix.strip("/"), options

    def __repr__(self) -> str:
        return f"S3Store({self.url()!r})"

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix and key else (key or self.prefix)

    def url(self, key: str = "") -> str:
        return f"s3://{self.bucket}/{self._key(key)}"

    @property
    def _client(self) -> Any:
        return client(self.options)

    def _error(self, exc: BaseException, key: str) -> OSError:
        """A boto3 failure on ``key`` as the OSError that names it."""
        import botocore.exceptions as be

        where = self.url(key)
        if isinstance(exc, be.NoCredentialsError | be.PartialCredentialsError):
            return PermissionError(f"{where}: no AWS credentials ({exc}); set them in the "
                                   "environment, an AWS profile or storage_options=")
        if isinstance(exc, be.EndpointConnectionError | be.ConnectionClosedError):
            return ConnectionError(f"{where}: cannot reach S3 ({exc})")
        if not isinstance(exc, be.ClientError):
            return OSError(f"{where}: {exc}")
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = _status(exc)
        if code == "NoSuchBucket":
            return FileNotFoundError(f"{where}: the S3 bucket {self.bucket!r} does not exist")
        if code in ("NoSuchKey", "404", "NotFound") or status == 404:
            if code != "NoSuchKey" and not self._bucket_exists():
                return FileNotFoundError(f"{where}: the S3 bucket {self.bucket!r} does not "
                                         "exist")
            return FileNotFoundError(f"{where} does not exist (bucket {self.bucket!r}, key "
                                     f"{self._key(key)!r})")
        if code in ("AccessDenied", "403", "Forbidden", "InvalidAccessKeyId",
                    "SignatureDoesNotMatch") or status == 403:
            return PermissionError(f"{where}: access denied to bucket {self.bucket!r}, key "
                                   f"{self._key(key)!r} ({code}: {error.get('Message', '')})")
        return OSError(f"{where}: {code}: {error.get('Message', exc)}")

    def _bucket_exists(self) -> bool:
        import botocore.exceptions as be

        try:
            self._client.head_bucket(Bucket=self.bucket)
        except be.ClientError as exc:  # forbidden or else: do not claim it is missing
            return _status(exc) != 404
        except Exception:
            return True
        return True

    def _call(self, key: str, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, method)(Bucket=self.bucket, **kwargs)
        except _errors() as exc:
            raise self._error(exc, key) from None

    def write(self, key: str, writer: Callable[[IO[bytes]], Any]) -> None:
        import boto3.s3.transfer

        buffer = io.BytesIO()
        writer(buffer)
        buffer.seek(0)
        config = boto3.s3.transfer.TransferConfig(
            multipart_threshold=int(self.options.get("multipart_threshold",
                                                     MULTIPART_THRESHOLD)),
            multipart_chunksize=int(self.options.get("multipart_chunksize",
                                                     MULTIPART_CHUNKSIZE)))
        try:
            self._client.upload_fileobj(buffer, self.bucket, self._key(key), Config=config)
        except _errors() as exc:
            raise self._error(exc, key) from None

    def put(self, key: str, data: bytes) -> None:
        self._call(key, "put_object", Key=self._key(key), Body=data)

    def read(self, key: str) -> bytes:
        response = self._call(key, "get_object", Key=self._key(key))
        try:
            return response["Body"].read()
        except _errors() as exc:
            raise self._error(exc, key) from None

    def open(self, key: str) -> IO[bytes]:
        return io.BytesIO(self.read(key))

    def read_range(self, key: str, start: int, stop: int) -> bytes:
        """Bytes ``[start, stop)`` of ``key`` (fewer at its end)."""
        if stop <= start:
            return b""
        response = self._call(key, "get_object", Key=self._key(key),
                              Range=f"bytes={start}-{stop - 1}")
        try:
            return response["Body"].read()
        except _errors() as exc:
            raise self._error(exc, key) from None

    def open_ranges(self, key: str, size: int | None = None) -> IO[bytes]:
        size = self.size(key) if size is None else size
        return io.BufferedReader(_Ranges(self, key, size), RANGE_BUFFER)

    def size(self, key: str) -> int:
        return int(self._call(key, "head_object", Key=self._key(key))["ContentLength"])

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except FileNotFoundError:
            return False
        return True

    def list(self, under: str = "") -> dict[str, float]:
        out = {}
        start = f"{self.prefix}/" if self.prefix else ""
        try:
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=start + under)
            for page in pages:
                for item in page.get("Contents", []):
                    out[item["Key"][len(start):]] = item["LastModified"].timestamp()
        except _errors() as exc:
            raise self._error(exc, "") from None
        return out

    def delete(self, keys: list[str]) -> None:
        for i in range(0, len(keys), 1000):  # S3's limit per request
            batch = [{"Key": self._key(k)} for k in keys[i:i + 1000]]
            response = self._call(keys[i], "delete_objects",
                                  Delete={"Objects": batch, "Quiet": True})
            errors = response.get("Errors") or []
            if errors:
                first = errors[0]
                raise OSError(f"s3://{self.bucket}/{first.get('Key')}: not deleted "
                              f"({first.get('Code')}: {first.get('Message')}; "
                              f"{len(errors)} object(s) failed)")

    def delete_prefix(self, prefix: str) -> None:
        self.delete(list(self.list(prefix)))


def _errors() -> tuple[type, ...]:
    """The exceptions of boto3 and botocore (translated by :meth:`S3Store._error`)."""
    import boto3.exceptions
    import botocore.exceptions

    return (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError,
            boto3.exceptions.Boto3Error)


def _status(exc: Any) -> int | None:
    """The HTTP status of a botocore ClientError."""
    return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")


class _Ranges(io.RawIOBase):
    """An S3 object as a raw seekable file: each read is one ranged GET."""

    def __init__(self, store: S3Store, key: str, size: int):
        self.store, self.key, self.length, self.pos = store, key, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.length}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, buffer: Any) -> int:
        stop = min(self.length, self.pos + len(buffer))
        data = self.store.read_range(self.key, self.pos, stop)
        buffer[:len(data)] = data
        self.pos += len(data)
        return len(data)
