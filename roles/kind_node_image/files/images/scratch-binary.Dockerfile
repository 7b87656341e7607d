# One static binary on an empty image: kube-apiserver, kube-controller-manager, kube-scheduler, etcd and the
# storage provisioner (their manifests name the command).
FROM scratch
ARG BINARY
COPY ${BINARY} /usr/local/bin/
ENV PATH=/usr/local/bin
