# The sandbox ("pause") image: Debian's catatonit in pause mode holds the pod's namespaces, reaps orphans and
# exits on SIGINT/SIGTERM, which is all the kubelet asks of it.
ARG BASE_IMAGE
FROM ${BASE_IMAGE} AS pkg
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends catatonit \
 && cp "$(command -v catatonit)" /pause
FROM scratch
COPY --from=pkg /pause /pause
USER 65535:65535
ENTRYPOINT ["/pause", "-P"]
