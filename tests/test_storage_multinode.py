"""Two web nodes, as the multinode profile runs them: two gunicorn servers with the production
settings, sharing the database, Redis and one S3-compatible bucket (moto's server mode). A clerk
signed in on one node is signed in on the other; a document uploaded through one downloads
through the other, byte for byte, and is refused there to a user who may not see the case.

Data is committed (``transaction=True``): the web servers are other processes.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import Case, CaseAttachment
from tests.cases.test_views import intake_data
from tests.handoffs.factories import PDF_BYTES
from tests.live import Gunicorn, csrf_token, sign_in
from tests.s3 import make_bucket, moto_server, s3_environment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def nodes(tmp_path):
    with moto_server() as endpoint:
        bucket = make_bucket(endpoint)
        db = connection.settings_dict
        env = {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "MEDIA_ROOT": str(tmp_path / "media"),  # must stay empty
            **s3_environment(endpoint, bucket.name),
        }
        servers = [Gunicorn(env=env, log=tmp_path / f"node{n}.log") for n in (1, 2)]
        try:
            for server in servers:
                server.start()
            yield servers, bucket
        finally:
            for server in servers:
                server.stop()


def test_session_and_media_are_shared_by_two_nodes(
    nodes, front_desk, colleague, category, work_calendar, tmp_path
):
    (one, two), bucket = nodes
    session, response = sign_in(one.url, front_desk.username)
    assert response.status_code == 302

    # Intake with the visitor's document, through node one.
    page = session.get(f"{one.url}/cases/new/", timeout=30)
    data = {k: str(v) for k, v in intake_data(category).items()}
    response = session.post(
        f"{one.url}/cases/new/",
        data={"csrfmiddlewaretoken": csrf_token(page), **data},
        files={"document": ("证件.pdf", PDF_BYTES, "application/pdf")},
        headers={"Referer": f"{one.url}/cases/new/"},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[-2000:]
    case = Case.objects.get()
    stored = CaseAttachment.objects.get(case=case)
    assert bucket.names() == [stored.file.name]

    # Node two knows the session node one started, and serves the file node one stored.
    case_page = session.get(f"{two.url}/cases/{case.number}/", timeout=30)
    assert case_page.status_code == 200 and case.subject in case_page.text
    url = reverse("cases:attachment", args=[case.number, stored.pk])
    assert url in case_page.text
    download = session.get(f"{two.url}{url}", timeout=30)
    assert download.status_code == 200
    assert download.content == PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment")

    other, _response = sign_in(two.url, colleague.username)
    assert other.get(f"{one.url}{url}", timeout=30).status_code == 404
    assert not (tmp_path / "media").exists()
