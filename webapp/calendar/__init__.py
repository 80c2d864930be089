"""A per-user calendar feed at a secret address the user can renew."""
from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/lich")
