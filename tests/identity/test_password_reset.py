"""Password reset by e-mail, with Django's views inside the identity namespace."""

from __future__ import annotations

import re

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.identity.conftest import password_login

NEW_PASSWORD = "Sandi-Baru-Yang-Panjang-7"


def test_password_reset_sends_an_email_whose_link_sets_a_new_password(host, alpha, alpha_member):
    # given
    client = host(alpha)

    # when: the member asks for a link
    response = client.post(
        reverse("identity:password_reset"), {"email": "ALPHA-member@example.test"}
    )

    # then: one e-mail, to them, with a link on this cooperative's host
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:password_reset_done")
    assert client.get(response["Location"]).status_code == 200
    [message] = mail.outbox
    assert message.to == ["alpha-member@example.test"]
    link = re.search(r"http://alpha\.localhost(/akun/sandi/atur/\S+/)", message.body)
    assert link is not None

    # when: the link is opened and a new password chosen
    form = client.get(link.group(1))
    assert form.status_code == 302  # Django moves the token into the session
    page = client.get(form["Location"])
    assert page.status_code == 200
    assert page.context["validlink"]
    done = client.post(
        form["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    # then
    assert done.status_code == 302
    assert done["Location"] == reverse("identity:password_reset_complete")
    assert client.get(done["Location"]).status_code == 200
    alpha_member.refresh_from_db()
    assert alpha_member.check_password(NEW_PASSWORD)
    fresh = host(alpha)
    assert password_login(fresh, "alpha-member", NEW_PASSWORD).status_code == 302
    assert SESSION_KEY in fresh.session

    # and the link works only once
    again = client.get(link.group(1), follow=True)
    assert not again.context["validlink"]


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(host, alpha):
    response = host(alpha).post(
        reverse("identity:password_reset"), {"email": "nobody@example.test"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("identity:password_reset_done")
    assert mail.outbox == []
