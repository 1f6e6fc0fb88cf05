vcl 4.1;

# Chorus's reverse proxy (Debian's varnish package; the `cache` service in
# docker-compose.yml). It keeps what the app marks as a shareable public page — a
# Cache-Tag header and `s-maxage` in Cache-Control (operations/pages.py) — for exactly
# as long as the app says, which never reaches past the next scheduled publication, and
# drops every such page when the app bans the tag after a change (VARNISH_URL).
# Everything else — the API, the admin, redirects, 404s, 410s, static files — passes
# through untouched, so no answer outlives the app's word.

backend web {
    .host = "web";
    .port = "8000";
    .connect_timeout = 1s;
    .first_byte_timeout = 60s;
}

# Who may ban: the app's processes, on this machine or the private network.
acl purgers {
    "localhost";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.Cache-Tag !~ "^[a-z-]+$") {
            return (synth(400, "A Cache-Tag to ban is needed"));
        }
        # Checked against every kept page before it is served again, at once.
        ban("obj.http.Cache-Tag == " + req.http.Cache-Tag);
        return (synth(200, "Banned"));
    }
    # Then Varnish's own rules: only GET and HEAD are looked up, and a request with a
    # cookie (a member of staff) or an Authorization header (a partner key) goes to the
    # app, which answers it privately.
}

sub vcl_backend_response {
    if (!beresp.http.Cache-Tag) {
        # Not for sharing: fetched anew every time (not kept, and the requests for it
        # do not wait for one another).
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Never served stale: a page past its s-maxage (the next publish time) is fetched
    # again, whoever asks.
    set beresp.grace = 0s;
    set beresp.keep = 0s;
    # A public page's language is its address's (/ru/, /fr/, English without a prefix),
    # whatever the browser's Accept-Language, on which Django's LocaleMiddleware still has
    # an English page vary: kept once, not once for each Accept-Language browsers send.
    # Kept compressed: the world map on the home page and the law tracker makes a page of
    # about 240 KB, 41 KB gzipped. A client that does not accept gzip is given
    # the plain bytes (Varnish's http_gzip_support, on by default).
    if (beresp.http.Content-Type ~ "^(text/|application/(atom\+xml|rss\+xml|xml|json)|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }
    if (beresp.http.Vary) {
        set beresp.http.Vary = regsub(beresp.http.Vary, "(?i)accept-language\s*,?\s*", "");
        set beresp.http.Vary = regsub(beresp.http.Vary, ",\s*$", "");
        if (beresp.http.Vary == "") {
            unset beresp.http.Vary;
        }
    }
}

sub vcl_deliver {
    # For Varnish alone. Browsers see `max-age=0` and revalidate with the ETag.
    unset resp.http.Cache-Tag;
}
