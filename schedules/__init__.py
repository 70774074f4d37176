"""When things air: turns bulletins into planned airings and wakes the playout at the right instant."""
