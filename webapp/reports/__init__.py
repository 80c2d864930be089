"""Monthly reports (báo cáo tháng): assembled, printed, downloaded, frozen when submitted."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")
