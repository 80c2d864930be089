# gunicorn settings for the province server: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`
import multiprocessing

bind = "127.0.0.1:8000"          # nginx in front; never expose gunicorn directly
workers = multiprocessing.cpu_count() * 2 + 1
threads = 4
worker_class = "gthread"
# A worker silent this long is killed and replaced: twice the slowest request measured (a long
# report's PDF, an Excel import), well above every page (make bench: milliseconds).
timeout = 60
graceful_timeout = 30
# Recycle each worker after this many requests (spread so they do not all restart at once): memory
# a large PDF or import took is given back to the system; a restart costs about a second of one worker.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"
