"""The returns services: the one way portal, API, back office and tasks change a return."""
