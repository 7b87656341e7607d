# claude-in-a-box: every entry point a person or CI needs. Targets install their own dependencies into
# .venv (pinned in requirements-dev.txt) and link the repository into .collections as the
# ciab.claude_in_a_box collection.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

VENV       ?= .venv
PYTHON     ?= python3
BIN        := $(VENV)/bin
COLLECTION := .collections/ansible_collections/ciab/claude_in_a_box
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Molecule looks for scenarios under extensions/molecule first; ours live in molecule/ by design.
export MOLECULE_GLOB := molecule/*/molecule.yml

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements-dev.txt requirements.yml
	@echo "==> installing Python dependencies into $(VENV)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/ansible-galaxy collection install -r requirements.yml >/dev/null
	touch $@

$(COLLECTION):
	mkdir -p $(dir $(COLLECTION))
	ln -sfn ../../.. $(COLLECTION)

.PHONY: venv
venv: $(BIN)/.installed $(COLLECTION) ## install the pinned Python tools and link the collection

.PHONY: engine
engine: ## make sure a Docker engine answers (installs and starts docker.io when none runs)
	scripts/ensure-engine.sh

.PHONY: up
# When kindest/node cannot be pulled, the kind_node_image role builds the node image from binaries this compiles
# from their Go modules (only then; cached in ~/.cache/ciab).
NODE_COMPONENTS_COMMAND = $(CURDIR)/$(BIN)/python $(CURDIR)/tests/harness/node_components.py

# When a release host cannot be used, the image role serves the tools from a loopback mirror this builds from their
# Go modules (only then; cached); the tools it cannot build are left out, one line each. Commands are passed as JSON
# extra vars: key=value would split them at their spaces.
MIRROR_COMMAND = $(CURDIR)/$(BIN)/python $(CURDIR)/tests/harness/mirror.py serve

# When the registry image cannot be pulled, the kind_cluster role builds the KIND cluster's local registry from the
# distribution binary this compiles from its Go module (only then; cached).
REGISTRY_COMMAND = $(CURDIR)/$(BIN)/python $(CURDIR)/tests/harness/gobuild.py registry
# When kind cannot be downloaded and none on PATH or in the cache will do, the kind_cluster role installs the kind this
# compiles from its Go module.
KIND_BUILD_COMMAND = $(CURDIR)/$(BIN)/python $(CURDIR)/tests/harness/gobuild.py kind
# ... and helm, which renders the chart, likewise.
HELM_BUILD_COMMAND = $(CURDIR)/$(BIN)/python $(CURDIR)/tests/harness/gobuild.py helm
# Every entry point passes them all: each runs only when its path is taken, and the preflight names them as fallbacks.
COMMANDS = -e '{"image_download_mirror_command": "$(MIRROR_COMMAND)"}' \
  -e '{"kind_node_image_components_command": "$(NODE_COMPONENTS_COMMAND)"}' \
  -e '{"kind_cluster_registry_build_command": "$(REGISTRY_COMMAND)"}' \
  -e '{"kind_cluster_download_command": "$(KIND_BUILD_COMMAND)"}' \
  -e '{"manifests_download_command": "$(HELM_BUILD_COMMAND)"}'

up: venv engine ## the main job: ansible-playbook site.yml (preflight, image, KIND cluster, load, deploy)
	$(BIN)/ansible-playbook site.yml $(COMMANDS) $(ARGS)

.PHONY: ee
ee: venv engine ## build the execution environment (ansible-builder) AWX / Automation Platform run the rollout in
	$(BIN)/ansible-playbook playbooks/ee.yml $(COMMANDS) $(ARGS)

.PHONY: doctor
doctor: venv ## seconds: every source the run needs (reachable, TLS trusted, the path it takes), the engine and the disk
	$(BIN)/ansible-playbook playbooks/doctor.yml $(COMMANDS) $(ARGS)

.PHONY: down
down: venv ## teardown.yml: remove the workload (login kept; ARGS='-e purge=true -e delete_cluster=true' for all)
	$(BIN)/ansible-playbook teardown.yml $(ARGS)

.PHONY: status
status: venv ## where the agent stands: mode, tier and its end, pod, login, setup-token, egress, last activity
	$(BIN)/ansible-playbook playbooks/status.yml $(ARGS)

.PHONY: build
build: venv engine ## build the image (site.yml --tags image)
	$(BIN)/ansible-playbook site.yml --tags image $(COMMANDS) $(ARGS)

.PHONY: load
load: venv engine ## create or reuse the KIND cluster and load the image (site.yml --tags image,kind)
	$(BIN)/ansible-playbook site.yml --tags image,kind $(COMMANDS) $(ARGS)

.PHONY: deploy
deploy: venv ## rbac, workload, network_policy on the cluster (site.yml --tags image,deploy)
	$(BIN)/ansible-playbook site.yml --tags image,deploy $(COMMANDS) $(ARGS)

.PHONY: lint
lint: venv ## yamllint, ansible-lint (production profile), shellcheck, ansible-test sanity
	$(BIN)/yamllint --strict .
	$(BIN)/ansible-lint
	$(BIN)/shellcheck scripts/*.sh roles/*/files/*.sh tests/sanity/*.sh \
	  roles/kind_node_image/files/rootfs/usr/local/*bin/* bench/*.sh molecule/*/files/*.sh .ci/run
	$(BIN)/antsibull-changelog lint
	$(BIN)/python scripts/render_docs.py --check
	$(MAKE) --no-print-directory sanity

.PHONY: sanity
sanity: venv ## ansible-test sanity on a copy of the working tree (pip bootstrapped offline: tests/sanity/get_pip.py)
	tests/sanity/run.sh

.PHONY: unit
unit: venv ## unit tests (pytest)
	$(BIN)/pytest -q tests/unit

.PHONY: testbed-tools
testbed-tools: venv ## compile the test binaries from Go modules (cached in ~/.cache/ciab)
	$(BIN)/python tests/harness/gobuild.py kubernetes etcd kwok helm stern yq crictl k9s >/dev/null

.PHONY: mirror
mirror: venv testbed-tools ## serve the loopback download mirror the offline image build uses
	$(BIN)/python tests/harness/mirror.py serve >/dev/null
	@echo "NOT COVERED HERE (no module or build for them on this machine; see README): $$($(BIN)/python tests/harness/mirror.py list-excluded | tr '\n' ' ')"

.PHONY: molecule-image
molecule-image: venv engine mirror ## Molecule scenario "image": offline build, tools, entrypoint modes
	$(BIN)/python tests/harness/scenarios.py run image -- $(BIN)/molecule test -s image

.PHONY: molecule-k8s
molecule-k8s: venv testbed-tools ## Molecule scenario "k8s": RBAC, workload, NetworkPolicy on the test bed
	@export PATH="$$($(BIN)/python tests/harness/gobuild.py helm 2>/dev/null | tr '\n' ':')$$PATH"; \
	$(BIN)/python tests/harness/scenarios.py run k8s -- $(BIN)/molecule test -s k8s

.PHONY: integration
integration: venv engine mirror testbed-tools ## integration tests: fleet rollout (3 test-bed clusters, registry), Compose, Helm chart and parity
	$(BIN)/python tests/harness/gobuild.py registry >/dev/null
	@export PATH="$$($(BIN)/python tests/harness/gobuild.py helm 2>/dev/null | tr '\n' ':')$$PATH"; \
	$(BIN)/python tests/harness/scenarios.py phase integration -- $(BIN)/pytest -q tests/integration

.PHONY: node-components
node-components: venv ## compile the KIND node image's binaries from Go modules; prints their directory
	@$(BIN)/python tests/harness/node_components.py

.PHONY: molecule-default
molecule-default: venv engine mirror ## Molecule scenario "default": site.yml on KIND (the node image role's auto path: pull, else build)
	@export PATH="$$($(BIN)/python tests/harness/gobuild.py kubernetes kind helm 2>/dev/null | tr '\n' ':')$$PATH"; \
	export CIAB_NODE_COMPONENTS_COMMAND='$(NODE_COMPONENTS_COMMAND)'; \
	$(BIN)/python tests/harness/scenarios.py run default -- $(BIN)/molecule test -s default

.PHONY: test
test: venv ## the whole suite: lint, unit, scenarios, integration (what CI runs); ends with the scenario summary and a time table
	@rm -f tests/output/scenarios.txt tests/output/phases.txt
	$(BIN)/python tests/harness/scenarios.py phase lint -- $(MAKE) --no-print-directory lint
	$(BIN)/python tests/harness/scenarios.py phase unit -- $(MAKE) --no-print-directory unit
	@status=0; $(MAKE) -k molecule-image molecule-k8s molecule-default integration || status=$$?; \
	  $(BIN)/python tests/harness/scenarios.py summary --expect image,k8s,default || status=1; \
	  $(MAKE) --no-print-directory stop; exit $$status

.PHONY: bench-image
bench-image: venv engine mirror ## print image size, cold/warm build times, layer sizes
	bench/image.sh

.PHONY: bench-deploy
bench-deploy: venv testbed-tools ## print deploy time to Ready and the no-op re-run time on a test bed cluster
	bench/deploy.sh

.PHONY: bench-kind
bench-kind: venv engine mirror ## print node image build, kind create/load and site.yml cold/warm times
	$(BIN)/python tests/harness/node_components.py >/dev/null
	bench/kind.sh

.PHONY: bench-edit-loop
bench-edit-loop: venv engine mirror ## print entrypoint edit to new pod Ready on KIND, with kind load (before) and the local registry (after)
	$(BIN)/python tests/harness/node_components.py >/dev/null
	$(BIN)/python tests/harness/gobuild.py registry kind >/dev/null
	bench/edit_loop.sh

.PHONY: bench-egress
bench-egress: venv engine testbed-tools ## print the latency the egress proxy adds to one model request (direct vs proxied)
	bench/egress_proxy.sh

.PHONY: bench-rollout
bench-rollout: venv engine mirror testbed-tools ## print fleet rollout wall time for 1, 3 and 6 clusters
	$(BIN)/python tests/harness/gobuild.py registry >/dev/null
	bench/rollout.sh

.PHONY: testbed-up
testbed-up: venv testbed-tools ## start a test bed cluster (NAME=dev) and print its kubeconfig path
	$(BIN)/python tests/harness/testbed.py up $(or $(NAME),dev)

.PHONY: testbed-down
testbed-down: venv ## delete a test bed cluster (NAME=dev)
	$(BIN)/python tests/harness/testbed.py down $(or $(NAME),dev)

.PHONY: stop
stop: ## stop every cluster and server the tests and the harness started (test beds, registry, mirror, scripted models, the Molecule KIND cluster)
	@if [ -x $(BIN)/python ]; then \
	  beds=$$($(BIN)/python tests/harness/testbed.py list 2>/dev/null | awk '{print $$1}' | tr '\n' ' '); \
	  if [ -n "$$beds" ]; then $(BIN)/python tests/harness/testbed.py down $$beds; fi; \
	  $(BIN)/python tests/harness/registry.py down || true; \
	  $(BIN)/python tests/harness/mirror.py stop || true; \
	  for name in model hold bench-egress; do $(BIN)/python tests/harness/model.py down --name $$name || true; done; \
	fi
	@if command -v kind >/dev/null 2>&1 && kind get clusters 2>/dev/null | grep -qx ciab-molecule; then kind delete cluster --name ciab-molecule; fi
	@docker rm -f ciab-bench-egress-proxy >/dev/null 2>&1 || true

.PHONY: clean
clean: stop ## stop what the tests started, then remove the virtualenv and local build state (not the ~/.cache/ciab binaries)
	rm -rf $(VENV) .collections .pytest_cache
