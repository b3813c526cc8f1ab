"""Tests of service/channels/render: Markdown, rich-text fields, web, email and text renders."""
