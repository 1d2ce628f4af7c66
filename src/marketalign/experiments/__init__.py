"""One module per figure or experiment: config -> run -> results table -> plot."""
