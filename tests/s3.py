"""A local S3-compatible server for the storage tests: moto's server mode on a free loopback port,
buckets made on it, and the settings or environment that point the application at one."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from types import SimpleNamespace

import boto3
from botocore.config import Config
from moto.server import ThreadedMotoServer

KEYS = {"access_key": "testing", "secret_key": "testing"}  # moto takes any
REGION = "us-east-1"


def s3_backend(endpoint: str, bucket: str) -> dict:
    """What settings build for MEDIA_STORAGE=s3, with the keys given here rather than by boto3's
    environment (the suite's environment has none)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **KEYS,
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "region_name": REGION,
            "file_overwrite": False,
            "default_acl": None,
            "querystring_expire": 300,
            "max_memory_size": 10 * 1024 * 1024,
            "client_config": Config(
                s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=30
            ),
        },
    }


class Bucket(SimpleNamespace):
    def names(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


def make_bucket(endpoint: str) -> Bucket:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    name = f"firstask-{secrets.token_hex(6)}"
    client.create_bucket(Bucket=name)
    return Bucket(client=client, name=name)


def s3_environment(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment of a process (restore, gunicorn) that keeps its media in ``bucket``, as
    production configures it."""
    return {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": KEYS["access_key"],
        "AWS_SECRET_ACCESS_KEY": KEYS["secret_key"],
    }


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """moto's S3 in a thread of this process, on a port of its own; yields its address."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
