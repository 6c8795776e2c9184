"""The public pages render and pass the page checks."""

from tests.pages import PageClient


def test_sign_in_page_renders_with_marking_and_csrf(client: PageClient) -> None:
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert "Sign in" in response.text
