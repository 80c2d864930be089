"""Documents printed to PDF with WeasyPrint, laid out in a short-lived child process.

Laying out a long report can take hundreds of MB, and a worker that did it keeps that memory until it
is recycled; the child gives it back when it ends. Children come from a fork server (a clean,
single-threaded process) rather than from a worker that may hold locks of its other threads, and a
stuck layout is stopped before gunicorn's own timeout.
"""
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from .config import ROOT

STYLESHEET = ROOT / "static" / "report.css"
TIMEOUT_S = 45  # under gunicorn's 60 s: the user gets an error page, not a killed worker


def in_child(function, *args, timeout: float = TIMEOUT_S):
    """function(*args) in a child process of its own; its result, or its exception raised here."""
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(function, *args).result(timeout=timeout)


def _layout(html: str, stylesheet: str) -> bytes:
    from weasyprint import CSS, HTML  # Pango is loaded in the child only
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=stylesheet)])


def render(html: str) -> bytes:
    """A document page (templates/*print*.html) as an A4 PDF, with the documents' stylesheet."""
    return in_child(_layout, html, str(STYLESHEET))
