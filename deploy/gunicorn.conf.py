# gunicorn settings for the province server: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`
import multiprocessing

bind = "127.0.0.1:8000"          # nginx in front; never expose gunicorn directly
workers = multiprocessing.cpu_count() * 2 + 1
threads = 4
worker_class = "gthread"
timeout = 60                      # PDF of a long report and Excel imports stay well under this
graceful_timeout = 30
max_requests = 2000               # recycle workers now and then
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"
