"""The per-user iCalendar feed, parsed back with the icalendar package."""
from datetime import datetime

from icalendar import Calendar

from webapp.clock import TZ
from webapp.models import User


def feed_url(client, username):
    client.post("/lich/tao-moi")
    return f"/lich/{User.get(User.username == username).calendar_token}.ics"


def test_feed_lists_the_units_deadlines_and_report_occurrences(demo, client_for, app, clock):
    clock.now = datetime(2024, 3, 12, 9, 0)
    client = client_for("quaicang")
    url = feed_url(client, "quaicang")
    response = app.test_client().get(url)  # a calendar client has no session
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    ends = sorted(e.decoded("dtend") for e in events.values())
    assert datetime(2024, 3, 13, 14, tzinfo=TZ) in ends and datetime(2024, 3, 27, 14, tzinfo=TZ) in ends
    # Task 1.1, a one-off deadline on Sunday 31/03, moved to Monday (Điều 148).
    assert datetime(2024, 4, 1, 23, 59, 59, tzinfo=TZ) in ends
    assert len(events) == 4
    summaries = [str(e["summary"]) for e in events.values()]
    assert any(s.startswith("Nộp báo cáo: 1.2.") for s in summaries)
    assert any(s.startswith("Hạn: 1.1.") for s in summaries)
    assert all("Quài Nưa" not in str(e.get("description")) for e in events.values())
    assert cal.walk("VTIMEZONE") and str(cal["x-wr-calname"]).endswith("Quài Cang")


def test_renewing_the_address_stops_the_old_one(demo, client_for, app):
    client = client_for("quaicang")
    old = feed_url(client, "quaicang")
    new = feed_url(client, "quaicang")
    assert old != new
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200


def test_unknown_token_is_404_and_the_home_explains_subscribing(demo, client_for, app):
    assert app.test_client().get("/lich/" + "x" * 43 + ".ics").status_code == 404
    page = client_for("quaicang").get("/").get_data(as_text=True)
    assert "Tạo địa chỉ lịch" in page
    client = client_for("quaicang")
    url = feed_url(client, "quaicang")
    page = client.get("/").get_data(as_text=True)
    assert url in page and "Outlook" in page and "Thunderbird" in page


def test_each_open_deadline_rings_one_working_day_before(demo, client_for, app, clock):
    from webapp.rules.ical import alarm_time
    from webapp.rules.workdays import WorkCalendar
    clock.now = datetime(2024, 3, 12, 9, 0)
    client = client_for("quaicang")
    cal = Calendar.from_ical(app.test_client().get(feed_url(client, "quaicang")).data)
    alarms = {}
    for event in cal.walk("VEVENT"):
        for alarm in event.walk("VALARM"):
            assert str(alarm["action"]) == "DISPLAY"
            assert alarm["trigger"].to_ical().endswith(b"Z")  # absolute, in UTC as RFC 5545 requires
            alarms[event.decoded("dtend").astimezone(TZ).replace(tzinfo=None)] = \
                alarm.decoded("trigger").astimezone(TZ).replace(tzinfo=None)
    # Wednesday 13/03 14:00 report: Tuesday 12/03 at 14:00.
    assert alarms[datetime(2024, 3, 13, 14)] == datetime(2024, 3, 12, 14)
    # Due at the end of Monday 01/04: the Friday before (the weekend is skipped), during office hours.
    assert alarms[datetime(2024, 4, 1, 23, 59, 59)] == datetime(2024, 3, 29, 16)
    # Across Tết and the 30/4 swap, by the pure rule.
    plain = WorkCalendar.plain()
    assert alarm_time(datetime(2024, 2, 15, 9), plain) == datetime(2024, 2, 7, 9)
    assert alarm_time(datetime(2024, 5, 2, 9), plain) == datetime(2024, 4, 26, 9)
    assert alarm_time(datetime(2024, 5, 6, 9), plain) == datetime(2024, 5, 4, 9)  # Saturday 04/05 is worked
