# SPDX-License-Identifier: Apache-2.0
# What the servers tests share: Nova's error body, the server's status, and
# the test playing a node's agent (registering with compute to offer,
# reporting a server's power state and a port's status). Sourced after
# lib.sh.

# servers_start: the controller, and ADMIN_TOK and SVC_TOK. The test is the
# node's agent and reports once: a down time longer than the test keeps
# the sweep from declaring it dead (and its ports DOWN).
servers_start() {
	start_controller --agent-down-time 600
	ADMIN_TOK=$(token admin "$T_ADMIN_PW" admin)
	SVC_TOK=$(cat "$T_DIR/state/service-token")
}

# expect_nova_error STATUS KIND WHAT: the status and {KIND: {"code": STATUS, "message"}}.
expect_nova_error() {
	expect_status "$1" "$3"
	[ "$(jget "$R_BODY" "j['$2']['code']")" = "$1" ] || fail "$3: not a Nova $2 body: $R_BODY"
}

# status_is ID STATUS: the server's status (R_BODY keeps the server).
status_is() {
	req GET "/compute/v2.1/servers/$1" "$ADMIN_TOK"
	[ "$(jget "$R_BODY" 'j["server"]["status"]')" = "$2" ]
}

# node_put NODE VCPUS RAM_MB DISK_GB: the node's agent report, offering compute; the HTTP code.
node_put() {
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $SVC_TOK" -H 'Content-Type: application/json' \
		-d "{\"agent_type\": \"Virga agent\", \"binary\": \"virga-agent\", \"configurations\": {\"compute\": {\"vcpus\": $2, \"memory_mb\": $3, \"disk_gb\": $4}}}" \
		"$T_URL/internal/v1/nodes/$1"
}

# report NODE SERVER BODY: the node reports the server's state; the HTTP code.
report() {
	curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $SVC_TOK" -H 'Content-Type: application/json' \
		-d "$3" "$T_URL/internal/v1/nodes/$1/servers/$2/status"
}

# port_active NODE PORT: the node reports the port programmed (ACTIVE).
port_active() {
	curl -s -o /dev/null -X PUT -H "X-Auth-Token: $SVC_TOK" -H 'Content-Type: application/json' \
		-d "{\"status\": \"ACTIVE\", \"applied_rev\": $(revision)}" "$T_URL/internal/v1/nodes/$1/ports/$2/status"
}

# make_image NAME: an active public raw image of 64 KiB (over REST: the CLI
# is slow to start); its id.
make_image() {
	local id
	req POST /image/v2/images "$ADMIN_TOK" "{\"name\": \"$1\", \"disk_format\": \"raw\", \"container_format\": \"bare\", \"visibility\": \"public\"}"
	id=$(jget "$R_BODY" 'j["id"]')
	head -c 65536 /dev/zero | curl -s -o /dev/null -X PUT -H "X-Auth-Token: $ADMIN_TOK" \
		-H 'Content-Type: application/octet-stream' --data-binary @- "$T_URL/image/v2/images/$id/file"
	echo "$id"
}

# make_net NAME CIDR: a network with one subnet (over REST); the network's id.
make_net() {
	local id
	req POST /network/v2.0/networks "$ADMIN_TOK" "{\"network\": {\"name\": \"$1\"}}"
	id=$(jget "$R_BODY" 'j["network"]["id"]')
	req POST /network/v2.0/subnets "$ADMIN_TOK" "{\"subnet\": {\"network_id\": \"$id\", \"cidr\": \"$2\", \"ip_version\": 4}}"
	expect_status 201 "subnet $2"
	echo "$id"
}
