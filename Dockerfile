# syntax=docker/dockerfile:1
# rolecall container image: build on Debian 12, run on Debian 12 slim.
#
#   docker build -t rolecall .
#   docker run -d --name rolecall -p 8080:8080 -v rolecall-data:/var/lib/rolecall \
#     -e SLACK_SIGNING_SECRET=... -e SLACK_BOT_TOKEN=xoxb-... rolecall
#
# The image runs `rolecall serve` with /etc/rolecall/rolecall.yaml (a copy of
# config/rolecall.example.yaml: mount your own file over it, or a directory
# over /etc/rolecall). The environment wins over the file: the database lives
# on the volume /var/lib/rolecall and the listener is on 0.0.0.0:8080. The
# process runs as uid/gid 10001: a named volume inherits that ownership, a
# bind-mounted host directory must be writable by 10001.
#
# The console at GET / acts only for loopback peers unless the config sets
# console.access_token(_file); a request through Docker's port mapping is not
# loopback, so give the console a token (e.g. a mounted file) to use it from
# the host, or run `docker exec rolecall rolecall ask ...` instead.

# ---------------------------------------------------------------- build stage
FROM debian:12 AS build

# The same package list as a developer machine (one source of truth); the
# test tools are not needed here.
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN bash /tmp/install-deps.sh \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX=/usr/local \
      -DROLECALL_BUILD_TESTS=OFF \
      -DROLECALL_BUILD_BENCH=OFF \
 && cmake --build /build -j"$(nproc)" --target rolecall \
 && DESTDIR=/staging cmake --install /build --strip \
 && test -x /staging/usr/local/bin/rolecall \
 && test -f /staging/usr/local/share/rolecall/taxonomy.yaml \
 && test -f /staging/usr/local/share/rolecall/classifier-model.tsv \
 && test -f /staging/usr/local/share/rolecall/rolecall.example.yaml

# -------------------------------------------------------------- runtime stage
FROM debian:12-slim AS runtime

# Runtime libraries only (the -dev packages' shared objects); curl for the
# health check, tzdata for digest time zones, ca-certificates for HTTPS to
# Slack and Teams.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libcpprest2.10 libspdlog1.10 libfmt9 libyaml-cpp0.7 libssl3 libsqlite3-0 libpq5 \
      libdate-tz3 libboost-system1.74.0 tzdata ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

# A fixed non-root uid/gid, so volume permissions and Kubernetes'
# runAsUser/fsGroup can name it.
RUN groupadd --system --gid 10001 rolecall \
 && useradd --system --uid 10001 --gid rolecall --home-dir /var/lib/rolecall \
      --no-create-home --shell /usr/sbin/nologin rolecall \
 && install -d -o rolecall -g rolecall -m 0750 /var/lib/rolecall \
 && install -d -m 0755 /etc/rolecall

COPY --from=build /staging/usr/local/ /usr/local/
# The example config runs as it is; taxonomy.path (relative) resolves next to it,
# and the classifier model is found next to the taxonomy.
# ldd fails the build here, not at the first start, if a runtime library is missing.
RUN cp /usr/local/share/rolecall/rolecall.example.yaml /etc/rolecall/rolecall.yaml \
 && cp /usr/local/share/rolecall/taxonomy.yaml /etc/rolecall/taxonomy.yaml \
 && cp /usr/local/share/rolecall/classifier-model.tsv /etc/rolecall/classifier-model.tsv \
 && if ldd /usr/local/bin/rolecall | grep "not found"; then exit 1; fi

ENV ROLECALL_CONFIG=/etc/rolecall/rolecall.yaml \
    ROLECALL_DB=/var/lib/rolecall/rolecall.db \
    ROLECALL_LISTEN=0.0.0.0:8080

VOLUME ["/var/lib/rolecall"]
WORKDIR /var/lib/rolecall
USER rolecall:rolecall
EXPOSE 8080

# /healthz answers while the process serves; /readyz also checks the store.
# The port follows ROLECALL_LISTEN's default: change both together.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1

# SIGTERM (docker stop) drains requests in flight; SIGHUP reloads the config.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/rolecall"]
CMD ["serve"]
