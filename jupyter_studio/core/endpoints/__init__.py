"""Endpoints: deploy a registered model version to a named model server, invoke, capture, monitor."""
