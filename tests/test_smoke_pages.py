def test_demo_pages_render_for_each_demo_user(demo, client_for):
    for username in ("admin", "lanhdao", "sldtbxh", "giolinh", "tuangiao", "quaicang"):
        client = client_for(username)
        for path in ("/", "/van-ban/"):
            response = client.get(path)
            assert response.status_code == 200, (username, path)
            assert "Việc của đơn vị" in response.get_data(as_text=True)
