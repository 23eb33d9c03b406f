"""What the load tests' locustfiles share (bench/locustfile.py, bench/locust_pages.py): a portal user that signs in
through the login form, as a person does, with timeouts that turn a hanging request into a failure."""

import os
import re

from locust import HttpUser

# The run_*.sh scripts create the accounts with this password; alone, the demo accounts of `make run` serve.
PASSWORD = os.environ.get("LOAD_PASSWORD", "demo12345")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Portal(HttpUser):
    abstract = True
    connection_timeout = 10.0
    network_timeout = 60.0
    # The names the login page's GET and the sign-in POST are counted under in locust's stats.
    login_name = "login"
    sign_in_name = "login"

    def sign_in(self, username: str) -> None:
        page = self.client.get("/accounts/login/", name=self.login_name)
        token = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name=self.sign_in_name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{username} was not signed in ({response.status_code})")

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")
