/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compute side's pure pieces (agents/compute/instance.c, libvirt.c,
 * and common/state_dir.c): what a feed server is, which ports are a VM's
 * and where their vhost-user sockets live, and the domain XML libvirt
 * gets; plus a VM port in the desired state (network/desired.c), which the
 * engine must get as a vhost-user port, not a veth.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/feed.h"
#include "common/state_dir.h"
#include "compute/compute.h"
#include "network/desired.h"

#define SRV "5e1f0000-0000-4000-8000-000000000001"
#define IMG "1a9e0000-0000-4000-8000-000000000002"
#define P1 "bbbbbbbb-0000-4000-8000-00000000000b"
#define P2 "cccccccc-0000-4000-8000-00000000000c"

static json_t *server(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:i, s:i, s:i}, s:s, s:I, s:[{s:s, s:s},{s:s, s:s}]}",
	                "id", SRV, "name", "vm1", "host", "n1", "image_id", IMG, "flavor", "vcpus", 2,
	                "ram", 128, "disk", 1, "power_state", "running", "reboot", (json_int_t)3,
	                "ports", "port_id", P1, "mac_address", "fa:16:3e:00:00:01", "port_id", P2,
	                "mac_address", "fa:16:3e:00:00:02");
}

static void parses_a_feed_server(void **state)
{
	json_t *o = server();
	struct ag_server s;
	const char *why;

	(void)state;
	assert_int_equal(ag_server_parse(o, &s, &why), 0);
	assert_string_equal(s.id, SRV);
	assert_string_equal(s.image_id, IMG);
	assert_string_equal(s.hostname, "vm1"); /* the name when no hostname is given */
	assert_int_equal(s.vcpus, 2);
	assert_int_equal(s.ram_mb, 128);
	assert_int_equal(s.disk_gb, 1);
	assert_int_equal(s.reboot, 3);
	assert_string_equal(s.power, "running");
	assert_null(s.user_data);
	json_decref(o);
}

static void refuses_what_it_cannot_run(void **state)
{
	struct ag_server s;
	const char *why;
	json_t *o;

	(void)state;
	o = server();
	json_object_del(o, "image_id");
	assert_int_equal(ag_server_parse(o, &s, &why), -EINVAL);
	assert_non_null(strstr(why, "image"));
	json_decref(o);

	o = server();
	json_object_set_new(json_object_get(o, "flavor"), "ram", json_integer(0));
	assert_int_equal(ag_server_parse(o, &s, &why), -EINVAL);
	assert_non_null(strstr(why, "flavor"));
	json_decref(o);

	o = server();
	json_object_set_new(o, "id", json_string("not-a-uuid"));
	assert_int_equal(ag_server_parse(o, &s, &why), -EINVAL);
	json_decref(o);
}

static void vm_ports_are_compute_owned(void **state)
{
	json_t *vm = json_pack("{s:s}", "device_owner", "compute:nova");
	json_t *dhcp = json_pack("{s:s}", "device_owner", "network:dhcp");
	json_t *none = json_object();

	(void)state;
	assert_true(ag_port_is_vm(vm));
	assert_false(ag_port_is_vm(dhcp));
	assert_false(ag_port_is_vm(none));
	json_decref(vm);
	json_decref(dhcp);
	json_decref(none);
}

static void the_domain_xml(void **state)
{
	json_t *o = server();
	struct ag_server s;
	const char *why;
	char *xml, *tcg;

	(void)state;
	ag_state_dir_set("/srv/virga");
	assert_int_equal(ag_server_parse(o, &s, &why), 0);
	xml = ag_domain_xml(&s, "/srv/virga/instances/" SRV, true);
	assert_non_null(xml);
	assert_non_null(strstr(xml, "<domain type='kvm'>"));
	assert_non_null(strstr(xml, "<name>virga-" SRV "</name>"));
	assert_non_null(strstr(xml, "<uuid>" SRV "</uuid>"));
	assert_non_null(strstr(xml, "<memory unit='MiB'>128</memory>"));
	assert_non_null(strstr(xml, "<vcpu>2</vcpu>"));
	/* vhost-user needs the guest's memory shared with the engine. */
	assert_non_null(strstr(xml, "<source type='memfd'/><access mode='shared'/>"));
	/* One NIC per port, in the feed's order: QEMU listens, the engine connects. */
	assert_non_null(strstr(xml, "<mac address='fa:16:3e:00:00:01'/><source type='unix' "
	                            "path='/srv/virga/vhost/tapbbbbbbbb-00.sock' mode='server'/>"));
	assert_true(strstr(xml, "fa:16:3e:00:00:01") < strstr(xml, "fa:16:3e:00:00:02"));
	assert_non_null(strstr(xml, "/srv/virga/instances/" SRV "/disk.qcow2"));
	assert_non_null(strstr(xml, "/srv/virga/instances/" SRV "/config.iso"));
	assert_non_null(strstr(xml, "<serial type='file'><source path='/srv/virga/instances/" SRV
	                            "/console.log'/>"));
	tcg = ag_domain_xml(&s, "/srv/virga/instances/" SRV, false);
	assert_non_null(strstr(tcg, "<domain type='qemu'>"));
	assert_null(strstr(tcg, "host-passthrough"));
	free(xml);
	free(tcg);
	json_decref(o);
}

static void a_bad_mac_gets_no_nic(void **state)
{
	json_t *o = server();
	struct ag_server s;
	const char *why;
	char *xml;

	(void)state;
	json_object_set_new(json_array_get(json_object_get(o, "ports"), 1), "mac_address",
	                json_string("fa:16:3e:00:00:02'/><evil/"));
	assert_int_equal(ag_server_parse(o, &s, &why), 0);
	xml = ag_domain_xml(&s, "/d", false);
	assert_null(strstr(xml, "evil"));
	assert_non_null(strstr(xml, "fa:16:3e:00:00:01"));
	free(xml);
	json_decref(o);
}

/* The feed's VM port becomes a vhost-user port of the engine on its socket. */
static void a_vm_port_is_vhost_user(void **state)
{
	struct ag_feed f;
	struct ag_desired d;

	(void)state;
	ag_state_dir_set("/srv/virga");
	ag_feed_init(&f, "http://127.0.0.1:1", "t", "n1");
	json_object_set_new(f.networks, "aaaaaaaa-0000-4000-8000-00000000000a",
	                json_pack("{s:s, s:s, s:i, s:b}", "id",
	                                "aaaaaaaa-0000-4000-8000-00000000000a",
	                                "provider:network_type", "vxlan", "mtu", 1450,
	                                "admin_state_up", 1));
	json_object_set_new(f.ports, P1,
	                json_pack("{s:s, s:s, s:s, s:s, s:b, s:[]}", "id", P1, "network_id",
	                                "aaaaaaaa-0000-4000-8000-00000000000a", "device_owner",
	                                "compute:nova", "mac_address", "fa:16:3e:00:00:01",
	                                "admin_state_up", 1, "fixed_ips"));
	json_object_set_new(f.ports, P2,
	                json_pack("{s:s, s:s, s:s, s:s, s:b, s:[]}", "id", P2, "network_id",
	                                "aaaaaaaa-0000-4000-8000-00000000000a", "device_owner", "",
	                                "mac_address", "fa:16:3e:00:00:02", "admin_state_up", 1,
	                                "fixed_ips"));
	assert_int_equal(ag_desired_build(&f, &d), 0);
	assert_int_equal(d.n_ports, 2);
	for (size_t i = 0; i < d.n_ports; i++) {
		const struct ag_port *p = &d.ports[i];

		if (strcmp(p->id, P1) == 0) {
			assert_int_equal(p->kind, DP_PORT_KIND_VHOST_USER);
			assert_string_equal(p->devargs, "/srv/virga/vhost/tapbbbbbbbb-00.sock");
		} else {
			assert_int_equal(p->kind, DP_PORT_KIND_ETHDEV);
			assert_non_null(strstr(p->devargs, "net_af_packet"));
		}
	}
	ag_desired_free(&d);
	ag_feed_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test(parses_a_feed_server),
	                cmocka_unit_test(refuses_what_it_cannot_run),
	                cmocka_unit_test(vm_ports_are_compute_owned),
	                cmocka_unit_test(the_domain_xml),
	                cmocka_unit_test(a_bad_mac_gets_no_nic),
	                cmocka_unit_test(a_vm_port_is_vhost_user),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
