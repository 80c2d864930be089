"""Targets (chỉ tiêu) and progress figures (số liệu tiến độ)."""
from flask import Blueprint

bp = Blueprint("targets", __name__)
