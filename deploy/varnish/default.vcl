vcl 4.1;

# The CDN tier in front of the health content API (see README.md beside this file).
# Caches public GET/HEAD by the origin's Cache-Control, serves stale content while revalidating
# and while the origin is down, and indexes objects by Surrogate-Key for soft purges.

import std;
import xkey;

# The origin answers /healthz from memory; two failed probes out of three mark it sick.
probe healthz {
    .url = "/healthz";
    .expected_response = 200;
    .interval = 1s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

include "backend.vcl";

# Who may purge: the purge worker runs beside Varnish.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        call cdn_purge;
    }
    if (req.restarts == 0) {
        # Our own control headers are never taken from a reader.
        unset req.http.X-Cdn-Revalidate;
        unset req.http.X-Cdn-Stale-Ok;
        unset req.http.X-Cdn-Accept-Encoding;
    }
    if (req.url ~ "^/(v1/admin|admin|v1/preview)(/|\?|$)"
        || req.url ~ "^/(healthz|readyz|metrics)(\?|$)") {
        return (pass);
    }
    if (req.url ~ "^/v1/stream(\?|$)") {
        # Server-sent events: a long-lived stream, never an object.
        return (pipe);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    if (req.url ~ "^/v1/") {
        # The public API ignores cookies; a site's cookies must not split the cache.
        unset req.http.Cookie;
    }
    if (req.restarts == 0) {
        # Only once: by a restart Varnish has rewritten Accept-Encoding (see below).
        call cdn_normalize_encoding;
    }
    if (req.http.X-Cdn-Stale-Ok) {
        # The origin failed on revalidation: any graced object will do (see vcl_deliver).
        set req.grace = 365d;
    } elsif (req.http.X-Cdn-Revalidate) {
        # A stale object that must not be served while the origin is up (see vcl_hit).
        set req.grace = 0s;
    }
    # The built-in vcl_recv passes what still carries a cookie.
}

sub cdn_purge {
    if (client.ip !~ purgers) {
        return (synth(403, "Purging is not allowed from " + client.ip));
    }
    if (!req.http.xkey-softpurge) {
        return (synth(400, "Send the keys to soft-purge in an xkey-softpurge header"));
    }
    set req.http.X-Cdn-Purged = xkey.softpurge(req.http.xkey-softpurge);
    return (synth(200, "Soft-purged " + req.http.X-Cdn-Purged + " objects"));
}

# One of br, gzip or none, so each representation is cached once. Varnish rewrites
# Accept-Encoding itself after vcl_recv (it knows gzip, not brotli), so the choice is kept in
# X-Cdn-Accept-Encoding, hashed, and sent to the origin in vcl_backend_fetch.
sub cdn_normalize_encoding {
    if (req.http.Accept-Encoding ~ "(?i)(^|[\s,])br\s*(,|$|;\s*q=(1|0?\.?0*[1-9]))") {
        set req.http.X-Cdn-Accept-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "(?i)(^|[\s,])(x-)?gzip\s*(,|$|;\s*q=(1|0?\.?0*[1-9]))") {
        set req.http.X-Cdn-Accept-Encoding = "gzip";
    } else {
        set req.http.X-Cdn-Accept-Encoding = "identity";
    }
    set req.http.Accept-Encoding = req.http.X-Cdn-Accept-Encoding;
}

sub vcl_hash {
    hash_data(req.http.X-Cdn-Accept-Encoding);
    # The built-in vcl_hash adds the URL and the host.
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        return (deliver);
    }
    if (req.http.X-Cdn-Stale-Ok || !std.healthy(req.backend_hint)) {
        # stale-if-error: the origin is down or failing; the last content beats an error.
        return (deliver);
    }
    # A soft purge shortens the object's lifetime below what the origin gave it: new content
    # exists, so fetch it now rather than serve the old one once more.
    if (obj.ttl + obj.age < std.duration(obj.http.X-Cdn-Ttl + "s", 0s) - 0.5s
        || obj.ttl + std.duration(obj.http.X-Cdn-Swr + "s", 0s) < 0s) {
        set req.http.X-Cdn-Revalidate = "1";
        return (restart);
    }
    # Within stale-while-revalidate: serve it, Varnish refreshes it in the background.
    return (deliver);
}

sub vcl_backend_fetch {
    if (bereq.http.X-Cdn-Accept-Encoding == "identity") {
        unset bereq.http.Accept-Encoding;
    } elsif (bereq.http.X-Cdn-Accept-Encoding) {
        set bereq.http.Accept-Encoding = bereq.http.X-Cdn-Accept-Encoding;
    }
    unset bereq.http.X-Cdn-Accept-Encoding;
    unset bereq.http.X-Cdn-Revalidate;
    unset bereq.http.X-Cdn-Stale-Ok;
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.status >= 500 && (bereq.is_bgfetch || bereq.http.If-None-Match)) {
        # Keep the stale object rather than replace it with an error.
        return (abandon);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "(?i)(public|s-maxage|max-age)"
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)") {
        # Only what the origin marks cacheable is cached (no default TTL for its 404s).
        set beresp.ttl = 10s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    call cdn_grace;
    # xkey indexes the object by the keys in its xkey header.
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    if (bereq.url ~ "^/v1/articles/[^/?]+(/render/[a-z]+)?/?(\?.*)?$") {
        # The article as a whole (all or some sections, any render) shows its revision and
        # review, so every publish changes it; a single section changes only with that section.
        # This key lets the purger leave the unchanged sections cached.
        set beresp.http.xkey = beresp.http.xkey + " article-page:"
            + regsub(bereq.url, "^/v1/articles/([^/?]+).*$", "\1");
    }
    unset beresp.http.Surrogate-Key;
    # A request id belongs to one origin request, not to every reader of a cached copy.
    unset beresp.http.X-Request-Id;
    # The hash holds the encoding already; Varnish's own Vary check would compare against the
    # Accept-Encoding it forces to gzip. Vary is restored for downstream caches in vcl_deliver.
    if (beresp.http.Vary ~ "(?i)accept-encoding") {
        set beresp.http.X-Cdn-Vary = "1";
        set beresp.http.Vary = regsub(beresp.http.Vary, "(?i)\s*,?\s*accept-encoding\s*,?\s*", "");
        if (beresp.http.Vary == "") {
            unset beresp.http.Vary;
        }
    }
    return (deliver);
}

# Grace keeps an object past its TTL for the longer of stale-while-revalidate and
# stale-if-error; vcl_hit decides which of the two applies to a request.
sub cdn_grace {
    set beresp.http.X-Cdn-Ttl = beresp.ttl;
    set beresp.http.X-Cdn-Swr = "0";
    set beresp.grace = 0s;
    if (beresp.http.Cache-Control ~ "(?i)stale-while-revalidate=\d+") {
        set beresp.http.X-Cdn-Swr = regsub(beresp.http.Cache-Control,
            "(?i)^.*stale-while-revalidate=(\d+).*$", "\1");
        set beresp.grace = std.duration(beresp.http.X-Cdn-Swr + "s", 0s);
    }
    if (beresp.http.Cache-Control ~ "(?i)stale-if-error=\d+") {
        set beresp.http.X-Cdn-Sie = regsub(beresp.http.Cache-Control,
            "(?i)^.*stale-if-error=(\d+).*$", "\1");
        if (std.duration(beresp.http.X-Cdn-Sie + "s", 0s) > beresp.grace) {
            set beresp.grace = std.duration(beresp.http.X-Cdn-Sie + "s", 0s);
        }
        unset beresp.http.X-Cdn-Sie;
    }
    # Past grace an object is still worth a conditional request to the origin.
    set beresp.keep = 1h;
}

sub vcl_deliver {
    if (resp.status >= 500 && req.http.X-Cdn-Revalidate && !req.http.X-Cdn-Stale-Ok) {
        # The revalidation failed: serve the stale object instead (stale-if-error).
        set req.http.X-Cdn-Stale-Ok = "1";
        return (restart);
    }
    if (resp.http.X-Cdn-Vary && resp.http.Vary !~ "(?i)accept-encoding") {
        if (resp.http.Vary) {
            set resp.http.Vary = "Accept-Encoding, " + resp.http.Vary;
        } else {
            set resp.http.Vary = "Accept-Encoding";
        }
    }
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
        if (obj.ttl < 0s) {
            set resp.http.X-Cache = "STALE";
        }
    } else {
        set resp.http.X-Cache = "MISS";
    }
    call cdn_strip;
}

# What only Varnish and the origin need to see.
sub cdn_strip {
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.X-Cdn-Vary;
    unset resp.http.X-Cdn-Ttl;
    unset resp.http.X-Cdn-Swr;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
    if (resp.http.Access-Control-Expose-Headers) {
        set resp.http.Access-Control-Expose-Headers = regsub(
            resp.http.Access-Control-Expose-Headers, "(?i)\s*surrogate-key\s*,?", "");
    }
}

sub vcl_synth {
    if (resp.status >= 500 && req.http.X-Cdn-Revalidate && !req.http.X-Cdn-Stale-Ok) {
        set req.http.X-Cdn-Stale-Ok = "1";
        return (restart);
    }
    unset resp.http.X-Varnish;
}
