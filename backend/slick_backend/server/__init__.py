"""The local HTTP server the QGIS plugin talks to (FastAPI on uvicorn).

``app.create_app`` builds the app (token check, errors as JSON) over one ``context.ServerContext``;
``routes`` holds the endpoints (health, jobs, models, sam); ``jobs`` runs each job in its own
worker process; ``sam`` keeps one persistent SAM worker with embeddings cached. See docs/server-api.md.
"""

API_VERSION = 2  # 2: the job params' `out` became out_dir / out_prefix / out_file (issue 17)
