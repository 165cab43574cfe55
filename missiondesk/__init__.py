"""MissionDesk: the political-strategy desk of a UN peace operation's leadership team."""

__version__ = "0.1.0"
APP_NAME = "MissionDesk"
ORG_NAME = "MissionDesk"
