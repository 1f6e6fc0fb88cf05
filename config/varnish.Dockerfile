# The `cache` service of docker-compose.yml: Debian's varnish package with the site's VCL.
FROM debian:bookworm-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends varnish \
    && rm -rf /var/lib/apt/lists/*
COPY config/varnish.vcl /etc/varnish/default.vcl

EXPOSE 6081
# In the foreground; pages are kept in memory (nothing of it needs to survive a restart).
CMD ["varnishd", "-F", "-f", "/etc/varnish/default.vcl", "-a", ":6081", "-s", "malloc,256m"]
