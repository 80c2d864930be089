"""Directives: a searchable list, and a directive's tasks by section with a unit × task matrix."""
from flask import Blueprint

bp = Blueprint("directives", __name__, url_prefix="/van-ban")
