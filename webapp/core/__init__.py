"""The domain on peewee, with no Flask: access, audit, units, users, directives and tasks,
assignments, occurrences, targets and figures, monthly reports.

Everything here takes the current time as an argument (`now` or `today`); nothing reads the wall
clock. Functions that write take the acting user's id (`actor_id`, None for the system or the
command line) and record what they change in the audit log, in the same transaction.
"""
