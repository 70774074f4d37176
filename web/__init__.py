"""The FastAPI app: Vietnamese server-rendered pages, the JSON API under /api, and the zone streams."""
