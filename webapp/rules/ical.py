"""An iCalendar (RFC 5545) feed of a unit's due dates and report occurrences (no Flask here)."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event

from ..clock import TZ


@dataclass
class Entry:
    uid: str
    due_at: datetime  # naive Vietnam local time, as stored
    summary: str
    description: str
    url: str


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
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
