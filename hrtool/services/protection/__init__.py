"""Pay protection: records and their schedules, the dashboard HR works from, and each person's
statement."""
