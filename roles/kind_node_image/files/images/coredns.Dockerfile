# kubeadm's CoreDNS Deployment passes only arguments: the image names the command.
FROM scratch
COPY coredns /coredns
EXPOSE 53 53/udp
ENTRYPOINT ["/coredns"]
