"""Engagement and impact: the WRES team's work with boards, shared practice, whether it helps."""
