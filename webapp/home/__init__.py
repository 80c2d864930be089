"""The unit home: the assignments of the user's unit (leaders: their subtree)."""
from flask import Blueprint

bp = Blueprint("home", __name__)
