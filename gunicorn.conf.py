"""gunicorn settings: ``gunicorn wsgi:app`` picks this file up from the project folder."""

import os

bind = f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threaded workers: a request waiting on a slow content server (or Redis) holds one
# thread, not a whole worker; CONNECT_CONCURRENCY bounds how many threads fetches take.
# Ours reads each request's head (and a small body) in the main loop, so a client that
# sends slowly holds no thread, and gives the rest of a body a deadline (webapp/worker.py).
worker_class = "webapp.worker.ReadAheadWorker"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 10
accesslog = "-"


def on_starting(server):
    """Refuse to start a configuration that would lose sessions, before any worker forks."""
    # Workers inherit this, so the app knows it runs under gunicorn and how many workers share it.
    os.environ["WEBAPP_GUNICORN_WORKERS"] = str(server.cfg.workers)
    from webapp.config import ConfigError, find_problems, settings_from_env

    try:
        settings = settings_from_env()
        problems = find_problems(settings)
    except ConfigError as error:
        settings, problems = {}, [str(error)]
    if not problems and settings.get("AI_REQUIRED"):
        # AI is required: prove the key works once per deploy (one tiny call), so that a
        # revoked key fails the deploy instead of every connect falling back to the rules.
        from webapp.ai.provider import key_problem

        failure = key_problem(settings)
        if failure:
            problems.append(f"AI_REQUIRED=1 but the AI key does not work: {failure}")
    if problems:
        raise RuntimeError("Cannot start:\n- " + "\n- ".join(problems))


def post_worker_init(worker):
    """Load, before this worker serves, what requests otherwise load on first use.

    A serverless start imports ``wsgi`` only and stays lazy (bench/cold_start.py); a
    worker lives for hours, so its first connect, page or form should not wait on imports.
    """
    from webapp import load_all

    load_all()
