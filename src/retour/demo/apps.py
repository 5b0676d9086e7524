from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo store and its ``demo`` command: downstream of every app it fills, imported by none. It has
    no models, so no name to show in the admin."""

    name = "retour.demo"
    label = "demo"
