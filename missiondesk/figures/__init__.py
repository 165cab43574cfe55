"""matplotlib charts and drawing styles shared by the UI and the briefs (no Qt here)."""
