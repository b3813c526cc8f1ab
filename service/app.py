"""``create_app(settings)``: wiring only."""

from __future__ import annotations

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from service.api.admin import admin_router
from service.api.admin.webhooks import event_docs
from service.api.channels import ChannelController
from service.api.content_schema import ContentSchemaController
from service.api.delivery import DeliveryController
from service.api.health import HealthController
from service.api.openapi_refine import refine_before_docs
from service.api.preview import PreviewController
from service.api.problems import EXCEPTION_HANDLERS
from service.api.public import PublicController
from service.api.stream import StreamController
from service.channels import RENDERER_VERSION
from service.config import Settings
from service.edge.layers import ContentApp, install_layers
from service.edge.logs import ACCESS_LOG, configure_logging
from service.edge.replay import ResponseCache
from service.jobs.dispatcher import Dispatcher
from service.jobs.scheduler import Scheduler
from service.startup import openapi_examples, prepare_database
from service.store.db import ContentDB
from service.store.versions import PublicVersions
from service.webapp import template_config, webapp_router

API_DESCRIPTION = """\
One reviewed source for health content, served to every channel as typed JSON sections.

Public routes need no authentication, answer `GET` and `HEAD`, are open to every origin, carry a
strong `ETag`, `Cache-Control` and `Surrogate-Key`, and answer `If-None-Match` with `304`.
Errors are RFC 9457 `application/problem+json`.

Admin routes under `/v1/admin` need `Authorization: Bearer <token>` (tokens are made with
`python -m service tokens create --name NAME --role editor|reviewer|admin`); draft writes need
`If-Match` with the draft's current `ETag`.
"""
BEARER_TOKEN = SecurityScheme(
    type="http",
    scheme="bearer",
    description="An API token from `python -m service tokens create`; its role decides the routes.",
)


def create_app(settings: Settings) -> Litestar:
    """Build the app for these settings: database ready, routes, caches and layers wired."""
    configure_logging(settings.log_level, batch_seconds=settings.log_batch_ms / 1000)
    db = ContentDB(settings.content_db)
    prepare_database(db)
    cache = ResponseCache(PublicVersions(db), max_bytes=settings.response_cache_mb * 1024 * 1024)
    scheduler = Scheduler(db, clock_file=settings.scheduler_clock_file)
    dispatcher = Dispatcher(db, settings)
    app = ContentApp(
        route_handlers=[
            PublicController,
            ChannelController,
            ContentSchemaController,
            DeliveryController,
            PreviewController,
            StreamController,
            HealthController,
            admin_router(),
            webapp_router(settings.content_db),
        ],
        dependencies={
            "db": Provide(lambda: db, use_cache=True, sync_to_thread=False),
            "cache": Provide(lambda: cache, use_cache=True, sync_to_thread=False),
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        compression_config=CompressionConfig(
            backend="brotli", brotli_gzip_fallback=True, exclude_opt_key="skip_compression"
        ),
        openapi_config=OpenAPIConfig(
            title="Health content API",
            version="1.0.0",
            description=API_DESCRIPTION,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(path="/")],
            components=Components(security_schemes={"BearerToken": BEARER_TOKEN}),
            webhooks=event_docs(),
        ),
        template_config=template_config(),
        request_max_body_size=settings.max_body_bytes,
        on_startup=[scheduler.start, dispatcher.start],
        on_shutdown=[scheduler.stop, dispatcher.stop, db.close, ACCESS_LOG.flush],
        before_request=refine_before_docs,
        debug=False,
    )
    app.state.update(
        {"db": db, "cache": cache, "settings": settings, "openapi_examples": openapi_examples}
    )
    install_layers(app, db=db, cache=cache, settings=settings, renderer=RENDERER_VERSION)
    return app
