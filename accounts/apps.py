from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import services

        user_logged_in.connect(services.logged_in, dispatch_uid="accounts.audit_login")
        user_login_failed.connect(services.login_failed, dispatch_uid="accounts.audit_login_failed")
