"""OAI-PMH 2.0 at ``/oai2d``: the records collaborations opened to the world."""
