"""Documents printed to PDF with WeasyPrint, laid out in a short-lived child process.

Laying out a long report can take hundreds of MB, and a worker that did it keeps that memory until it
is recycled; the child gives it back when it ends. Children come from a fork server (a clean,
single-threaded process) rather than from a worker that may hold locks of its other threads. A
layout still running at the limit is killed there and then, before gunicorn's own timeout, and the
user is told why there is no PDF.
"""
import multiprocessing

from .config import ROOT

STYLESHEET = ROOT / "static" / "report.css"
TIMEOUT_S = 45  # under gunicorn's 60 s: the user gets an error page, not a killed worker


class PdfTimeout(Exception):
    """The layout ran past the limit and its process was killed."""

    def __init__(self, seconds: float):
        super().__init__(f"Tài liệu dài quá, không dựng xong bản PDF trong {seconds:g} giây nên đã dừng. "
                         "Hãy tải bản Word (.docx) hoặc dùng nút «In» của trang rồi chọn «Lưu thành PDF».")


def _run(sender, function, args) -> None:
    """In the child: function(*args), sent back as (True, result) or (False, the exception)."""
    try:
        outcome = (True, function(*args))
    except BaseException as exc:  # noqa: BLE001 - whatever failed is raised again in the parent
        outcome = (False, exc)
    try:
        sender.send(outcome)
    except Exception as exc:  # an exception that does not pickle comes back as its text
        sender.send((False, RuntimeError(repr(exc))))
    finally:
        sender.close()


def in_child(function, *args, timeout: float = TIMEOUT_S):
    """function(*args) in a child process of its own; its result, or its exception raised here, or
    PdfTimeout once `timeout` seconds have passed (the child is killed then, not waited for)."""
    context = multiprocessing.get_context("forkserver")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(sender, function, args), daemon=True)
    child.start()
    sender.close()  # the child holds its own end: a child that dies gives EOF here
    try:
        if not receiver.poll(timeout):
            raise PdfTimeout(timeout)
        try:
            ok, value = receiver.recv()
        except EOFError:
            raise RuntimeError(f"the layout process ended without an answer (exit code {child.exitcode})") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
    if not ok:
        raise value
    return value


def _layout(html: str, stylesheet: str) -> bytes:
    from weasyprint import CSS, HTML  # Pango is loaded in the child only
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=stylesheet)])


def render(html: str) -> bytes:
    """A document page (templates/*print*.html) as an A4 PDF, with the documents' stylesheet."""
    return in_child(_layout, html, str(STYLESHEET), timeout=TIMEOUT_S)
