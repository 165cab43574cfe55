"""The Leadership desk: team and portfolios, the RACI, where the time goes, handover."""
