from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"

    def ready(self) -> None:
        # The cached filter options of the portal's list move on with the data they are drawn from.
        from tracker import options_cache

        options_cache.connect()
