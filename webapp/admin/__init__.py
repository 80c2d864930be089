"""Admin (quản trị): directives, tasks, units, users and the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")
