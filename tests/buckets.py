"""A real S3-compatible server (moto's) on 127.0.0.1, and the `file_storage` fixture that runs a
test once on the local disk and once on a bucket there.

Downloads from a bucket are redirects to signed links: `downloaded()` follows one over HTTP, as
a browser would, so a test reads the same file and headers whichever storage served it.
"""

import datetime as dt
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

import boto3
import pytest
import time_machine
from botocore.config import Config
from django.http import FileResponse

from healhips.settings import bucket_storages
from tests.smtp import free_port

RESPONSE_OVERRIDES = {
    "response-cache-control": "ResponseCacheControl",
    "response-content-disposition": "ResponseContentDisposition",
    "response-content-type": "ResponseContentType",
}
CREDENTIALS = {"access_key": "test-key", "secret_key": "test-secret", "region_name": "us-east-1"}


@dataclass
class S3Server:
    url: str

    @property
    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
            aws_access_key_id=CREDENTIALS["access_key"],
            aws_secret_access_key=CREDENTIALS["secret_key"],
            region_name=CREDENTIALS["region_name"],
        )

    def new_bucket(self) -> str:
        name = f"test-{uuid.uuid4().hex[:16]}"
        self.client.create_bucket(Bucket=name)
        return name

    def storages(self, bucket: str) -> dict:
        return bucket_storages(bucket, endpoint_url=self.url, **CREDENTIALS)

    def signed_link_works(self, link: str, at: dt.datetime) -> bool:
        """What S3 checks of a signed link, which moto's server does not: that its signature
        is the one for its own parameters, and that `at` falls within its lifetime."""
        parts = urlsplit(link)
        query = dict(parse_qsl(parts.query))
        signed_at = dt.datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(
            tzinfo=dt.UTC
        )
        lifetime = dt.timedelta(seconds=int(query["X-Amz-Expires"]))
        bucket, key = unquote(parts.path).lstrip("/").split("/", 1)
        overrides = {
            RESPONSE_OVERRIDES[name]: value
            for name, value in query.items()
            if name in RESPONSE_OVERRIDES
        }
        with time_machine.travel(signed_at, tick=False):
            expected = self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": bucket, "Key": key, **overrides},
                ExpiresIn=int(lifetime.total_seconds()),
            )
        return expected == link and signed_at <= at < signed_at + lifetime

    def environment(self, bucket: str) -> dict:
        """The settings environment of a process (a worker, a web node) using the bucket."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.url,
            "S3_ACCESS_KEY_ID": CREDENTIALS["access_key"],
            "S3_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"],
            "S3_REGION": CREDENTIALS["region_name"],
        }


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()  # noqa: S310
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail("moto's S3 server did not start.")
            time.sleep(0.1)
    yield S3Server(url)
    process.terminate()
    process.wait(timeout=10)
    log.close()


@dataclass
class FileStorage:
    kind: str
    environment: dict  # for a worker process that must use the same files


@pytest.fixture
def bucket_storage(s3_server, settings):
    """Uploads and PDFs in a new, empty bucket on the S3 server."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = {**settings.STORAGES, **s3_server.storages(bucket)}
    return FileStorage("bucket", s3_server.environment(bucket))


@pytest.fixture(params=["disk", "bucket"])
def file_storage(request):
    """Run the test with uploads and PDFs on the local disk, then in an S3 bucket."""
    if request.param == "disk":
        return FileStorage("disk", {})
    return request.getfixturevalue("bucket_storage")


@dataclass
class Download:
    status_code: int
    headers: object  # either side's headers, read without regard to case
    content: bytes

    def __getitem__(self, header):
        return self.headers[header]


def downloaded(response) -> Download:
    """What the browser ends up with: the streamed file, or the signed link's answer."""
    if isinstance(response, FileResponse):
        return Download(200, response.headers, b"".join(response.streaming_content))
    assert response.status_code == 302, response.status_code
    assert response["Cache-Control"] == "private, no-store"
    try:
        with urllib.request.urlopen(response["Location"], timeout=10) as answer:  # noqa: S310
            return Download(answer.status, answer.headers, answer.read())
    except urllib.error.HTTPError as error:
        return Download(error.code, error.headers, error.read())
