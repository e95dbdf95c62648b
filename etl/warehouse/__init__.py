"""Step 4, store: the load run (load.py) writes each checked file (write.py) into the
warehouse file (schema.py), all-or-nothing (atomic.py), and says what it did (summary.py);
quarantine.py gives the rejected rows back to the agency."""
