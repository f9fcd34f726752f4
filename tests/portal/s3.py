"""A local S3 server for the tests (moto's), and a bucket of each test's own on it."""

import json
import logging
import uuid
from dataclasses import dataclass

import boto3
import pytest

KEYS = {"access_key": "testing-key", "secret_key": "testing-secret", "region_name": "us-east-1"}


@dataclass
class Bucket:
    endpoint: str
    name: str

    @property
    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=KEYS["access_key"],
            aws_secret_access_key=KEYS["secret_key"],
            region_name=KEYS["region_name"],
        )

    def keys(self, prefix=""):
        """Every object's key under ``prefix``."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=prefix
        )
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def storages(self, staticfiles):
        """STORAGES as portal/settings.py writes them for this bucket (keys given directly)."""
        common = {"bucket_name": self.name, "endpoint_url": self.endpoint, **KEYS}
        common["file_overwrite"] = False
        return {
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**common, "location": "media", "querystring_auth": False},
            },
            "import_export": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {**common, "location": "pending-imports"},
            },
            "staticfiles": staticfiles,
        }

    def environment(self):
        """The variables that point a portal process at this bucket."""
        return {
            "AWS_STORAGE_BUCKET_NAME": self.name,
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_S3_REGION_NAME": KEYS["region_name"],
            "AWS_ACCESS_KEY_ID": KEYS["access_key"],
            "AWS_SECRET_ACCESS_KEY": KEYS["secret_key"],
        }


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on a free loopback port, for the whole run."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def public_media_policy(name):
    """The bucket policy of docs/deploy.md: anyone may read media/, nothing else."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{name}/media/*",
                }
            ],
        }
    )


@pytest.fixture
def bucket(s3_endpoint):
    """An empty bucket of this test's own, with the documented policy."""
    created = Bucket(s3_endpoint, f"portal-{uuid.uuid4().hex[:12]}")
    created.client.create_bucket(Bucket=created.name)
    created.client.put_bucket_policy(Bucket=created.name, Policy=public_media_policy(created.name))
    return created
