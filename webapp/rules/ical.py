"""An iCalendar (RFC 5545) feed of a unit's due dates and report occurrences (no Flask here)."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from icalendar import Alarm, Calendar, Event

from ..clock import TZ


@dataclass
class Entry:
    uid: str
    due_at: datetime  # naive Vietnam local time, as stored
    summary: str
    description: str
    url: str
    alarm_at: datetime | None = None  # naive Vietnam local time; see alarm_time()


# An alarm rings during office hours: a deadline at the end of a day warns at this time the working
# day before, not at midnight.
LATEST_ALARM = time(16, 0)


def alarm_time(due_at: datetime, calendar) -> datetime:
    """One working day before a due time: the same time on the previous working day (no later than
    16:00), from the working-day calendar (rules.workdays.WorkCalendar)."""
    day = calendar.previous_working_day(due_at.date())
    return datetime.combine(day, min(due_at.time().replace(microsecond=0), LATEST_ALARM))


def build(calendar_name: str, entries: list[Entry], stamp: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Theo doi nhiem vu//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", calendar_name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for entry in entries:
        start = entry.due_at.replace(tzinfo=TZ)
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp.replace(tzinfo=TZ).astimezone(timezone.utc))
        # A deadline is a moment; a short event ending at it shows well in every calendar.
        event.add("dtstart", start - timedelta(minutes=30))
        event.add("dtend", start)
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        event.add("url", entry.url)
        if entry.alarm_at is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", entry.summary)
            # An absolute trigger must be in UTC (RFC 5545, 3.8.6.3).
            alarm.add("trigger", entry.alarm_at.replace(tzinfo=TZ).astimezone(timezone.utc))
            event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
