"""The server's endpoints, one router per area: health, jobs, models, sam (docs/server-api.md).

Each route is thin: it checks the request, then calls the job manager, the model listing or
the SAM worker held by the ``ServerContext`` (context.py).
"""
