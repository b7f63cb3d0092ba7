"""Local tests; archive_file leaves tests/ out of the zip (excludes), so pytest is not deployed."""

import pytest

from main import send_injury_alerts


def test_no_players_no_alert(monkeypatch):
    sent = []
    monkeypatch.setattr("main.send_alert", sent.append)
    event = type("Event", (), {"data": {"message": {"data": "eyJwbGF5ZXJzIjogW119"}}})()
    send_injury_alerts(event)
    assert sent == []
