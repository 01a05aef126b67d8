"""Pure scheduling rules: free slots, status transitions, colours, calendar events, reports, formatting. No Reflex, no database."""
