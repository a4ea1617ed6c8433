"""Interactive SAM: a persistent worker process (worker.py, engine.py) and its client.

Only ``client`` is imported by the server process; the rest runs in the worker and may
import torch.
"""
