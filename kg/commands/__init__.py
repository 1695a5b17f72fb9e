"""Sub-commands of ``kg``; each module adds one parser through ``register``."""
