"""The assignment page: the task, its units, its history, progress updates and report occurrences."""
from flask import Blueprint

bp = Blueprint("assignments", __name__, url_prefix="/giao-viec")
