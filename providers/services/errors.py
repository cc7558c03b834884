"""The one error of the providers' services: a rule was broken, with a message for a person to read."""

from config.api import DomainConflict


class ProviderError(DomainConflict):
    """A rule about providers, choices or agreements was broken; the message is for a person to read."""
