#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Port ids run to DP_MAX_PORTS (dp_api.h): the ethdevs' ids below DPDK's
# RTE_MAX_ETHPORTS (32 in Debian), vhost-user ports' above. Whatever is
# indexed by port id is sized by DP_MAX_PORTS; RTE_MAX_ETHPORTS sizes only
# what holds ethdevs alone. This fails, naming each line, when a file other
# than those uses RTE_MAX_ETHPORTS (an array by it would overflow on the
# first vhost-user port).
#
#   check_port_ids.sh DATAPLANE_DIR
set -u

dir=${1:?usage: $0 DATAPLANE_DIR}
# Where the ethdev range itself is the subject: the vhost ids start past it, the
# protocol's comment about it, and the poll list's ethdev queues (those lines only).
allowed='^(port/dp_vhost\.h|include/virga/dp_api\.h):'
poll_list='^engine/dp_worker\.h:[0-9]+:.*(dp_rxq q\[RTE_MAX_ETHPORTS\]|DP_MAX_PORTS - RTE_MAX_ETHPORTS)'
bad=0
while IFS= read -r hit; do
	rel=${hit#"$dir"/}
	if ! [[ $rel =~ $allowed || $rel =~ $poll_list ]]; then
		echo "$rel: a per-port size must be DP_MAX_PORTS, not RTE_MAX_ETHPORTS" >&2
		bad=1
	fi
done < <(grep -rn --include='*.[ch]' 'RTE_MAX_ETHPORTS' "$dir")
exit $bad
