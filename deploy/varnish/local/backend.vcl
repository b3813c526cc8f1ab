# The origin: the API as `make run` serves it. Tests and `make run-cdn` may put another
# backend.vcl earlier on varnishd's vcl_path; default.vcl includes whichever comes first.
backend origin {
    .host = "127.0.0.1";
    .port = "8000";
    .probe = healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 10s;
}
