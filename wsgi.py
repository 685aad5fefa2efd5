"""WSGI entry point: ``gunicorn wsgi:app`` (Procfile) and ``flask run``."""

from webapp import create_app

app = create_app()
