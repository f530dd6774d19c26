"""Instance set-up: database, indexes, files location, roles and demo accounts."""
