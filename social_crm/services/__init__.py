"""Plain-Python helpers of social_crm (no ORM): author matching."""
