"""Each demo user opens the unit home and the directive list and sees that page, not another."""
import re


def test_demo_pages_render_for_each_demo_user(demo, client_for):
    for username in ("admin", "lanhdao", "sldtbxh", "giolinh", "tuangiao", "quaicang"):
        client = client_for(username)
        home = client.get("/").get_data(as_text=True)
        # The counts per status class and the assignment list exist only on the unit home.
        assert re.search(r"<h1>Việc của đơn vị", home) and 'id="assignment-list"' in home, username
        directives = client.get("/van-ban/").get_data(as_text=True)
        assert "<h1>Văn bản chỉ đạo</h1>" in directives and 'id="directive-list"' in directives, username
        # Every demo user follows at least one directive, listed with a link to its page.
        assert re.search(r'href="/van-ban/\d+"', directives), username
