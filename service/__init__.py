"""The content API service: app, store, workflow, renders and CLI."""
