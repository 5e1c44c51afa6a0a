from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainConfig(AppConfig):
    name = "chain"
    verbose_name = _("Chain")

    def ready(self):
        from chain.receivers import on_directory_changed
        from tenants.directory import directory_changed

        directory_changed.connect(on_directory_changed, dispatch_uid="chain.notify_partners")
