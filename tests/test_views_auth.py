"""Signing in and out with the app's own pages."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import UserFactory
from tests.htmlcheck import check_page

pytestmark = pytest.mark.django_db

LOGIN = reverse("statusboard:login")
LOGOUT = reverse("statusboard:logout")


@pytest.fixture
def user():
    return UserFactory(username="alice")


def test_the_login_page_has_labelled_fields(client):
    doc = check_page(client.get(f"{LOGIN}?next=/statusboard/incident/create/").content)

    form = doc.find("form", id="statusboard-login-form")
    assert form.find("input", name="username") is not None
    assert form.find("input", type="password") is not None
    assert form.find("input", name="next").attrs["value"] == "/statusboard/incident/create/"
    # No "Sign in" link that would bring the user back here.
    assert doc.find(id="statusboard-login").attrs["href"] == LOGIN


def test_sign_in_goes_to_the_index_by_default(client, user):
    response = client.post(LOGIN, {"username": "alice", "password": "password"})

    assert response.status_code == 302
    assert response["Location"] == "/statusboard/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_follows_next_on_this_site(client, user):
    response = client.post(
        LOGIN,
        {"username": "alice", "password": "password", "next": "/statusboard/incident/create/"},
    )
    assert response["Location"] == "/statusboard/incident/create/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/", "javascript:x"],
)
def test_sign_in_never_follows_next_off_site(client, user, target):
    response = client.post(LOGIN, {"username": "alice", "password": "password", "next": target})
    assert response["Location"] == "/statusboard/"


def test_a_wrong_password_shows_an_error(client, user):
    response = client.post(LOGIN, {"username": "alice", "password": "nope"})

    assert response.status_code == 200
    doc = check_page(response.content)
    assert "correct username and password" in doc.find(class_="alert-danger").text
    assert "_auth_user_id" not in client.session


def test_the_menu_offers_sign_out_by_post(client, user):
    client.force_login(user)

    doc = check_page(client.get("/statusboard/").content)

    assert doc.find(id="statusboard-user").text == "alice"
    form = doc.find("form", id="statusboard-logout-form")
    assert form.attrs["method"] == "post"
    assert form.attrs["action"] == LOGOUT
    assert form.find("input", name="csrfmiddlewaretoken") is not None


def test_logout_by_get_only_asks_for_confirmation(client, user):
    client.force_login(user)

    response = client.get(LOGOUT)

    assert response.status_code == 200
    assert check_page(response.content).find(id="statusboard-logout-confirm-form") is not None
    assert client.session["_auth_user_id"] == str(user.pk)


def test_logout_by_post(client, user):
    client.force_login(user)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == "/statusboard/"
    assert "_auth_user_id" not in client.session
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["You are signed out."]


def test_logout_when_not_signed_in(client):
    doc = check_page(client.get(LOGOUT).content)
    assert "You are not signed in." in doc.find("main").text
    assert client.post(LOGOUT).status_code == 302
