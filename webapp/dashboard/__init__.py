"""Tổng hợp: the leaders' summary of status classes, overdue work and reporting discipline."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/tong-hop")
