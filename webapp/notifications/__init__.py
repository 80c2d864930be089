"""Thông báo: the user's notifications, and their own account page (e-mail and reminders)."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)
