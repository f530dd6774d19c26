"""The OpenAPI 3.1 description of CAP's REST API, built from the API app's routes."""
