# SPDX-License-Identifier: Apache-2.0
# Thin wrapper around meson: the README's commands.
BUILD ?= build
MESON_OPTS ?= -Dwerror=true

DEB_PACKAGES := qemu-utils build-essential meson ninja-build pkg-config \
	libdpdk-dev dpdk-dev dpdk libpcap-dev \
	libmnl-dev libnftnl-dev libvirt-dev libjansson-dev libmicrohttpd-dev libcurl4-gnutls-dev libgnutls28-dev \
	libsqlite3-dev sqlite3 postgresql libpq-dev libsodium-dev libcmocka-dev \
	iproute2 iputils-ping ethtool tcpdump procps python3-scapy busybox \
	python3-openstackclient curl openssl tempest \
	qemu-system-x86 genisoimage syslinux mtools \
	libvirt-daemon-system libvirt-daemon-system-sysv libvirt-clients

# The test guest's own packages (linux-image-cloud-amd64, busybox-static) are
# not installed: tools/guest/build-guest.sh downloads and unpacks them.

# Only `make bench` needs these (the peers it measures); `make test` does not.
BENCH_DEB_PACKAGES := openvswitch-switch-dpdk iproute2

.PHONY: all deps bench-deps build guest test unit smoke run demo bench conformance clean

all: build

# Idempotent: installs only what dpkg does not already have.
deps bench-deps: PACKAGES = $(if $(filter bench-deps,$@),$(BENCH_DEB_PACKAGES),$(DEB_PACKAGES))
deps bench-deps:
	@missing=$$(for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# The tiny test guest: $(BUILD)/tools/guest/{vmlinuz,initrd.img}, and both in
# a bootable virga-tiny.qcow2; rebuilt only when tools/guest changes.
guest: $(BUILD)/build.ninja
	ninja -C $(BUILD) guest

unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

smoke: build
	meson test -C $(BUILD) --suite smoke --print-errorlogs

test: deps build
	@meson test -C $(BUILD) --print-errorlogs --num-processes 1; rc=$$?; \
		tools/test-summary.sh $(BUILD); exit $$rc

# The all-in-one node: controller, dataplane and agent; prints the OS_* variables.
run: deps build
	tools/allinone.sh $(BUILD)

# The dataplane alone, with namespaces pinging through it.
demo: deps build
	tools/demo.sh $(BUILD)

# OpenStack's own API tests (tempest) for identity and networking against a
# fresh controller: counts per service (CONFORMANCE.md keeps the latest).
conformance: deps build
	tools/conformance/run.sh $(BUILD)

bench: deps bench-deps build
	$(BUILD)/tools/bench/virga-bench

clean:
	rm -rf $(BUILD)
