"""Pure scheduling core: agenda rules, free slots, appointment statuses and colours."""
