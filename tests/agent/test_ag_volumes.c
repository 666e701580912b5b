/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The volume side's pure pieces (agents/compute/volumes.c): what a feed server's
 * volume is, what is refused before it reaches libvirt, where its file is
 * linked for QEMU, and the <disk> libvirt gets; a server booted from one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/state_dir.h"
#include "compute/compute.h"
#include "compute/volume_connector.h"

#define SRV "5e1f0000-0000-4000-8000-000000000001"
#define VOL "70e10000-0000-4000-8000-0000000000aa"
#define ATT "a77a0000-0000-4000-8000-0000000000bb"

static json_t *entry(void)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:{s:s, s:s}}, s:s}", "volume_id", VOL,
	                "attachment_id", ATT, "device", "/dev/vdb", "connection_info",
	                "driver_volume_type", "file", "data", "path",
	                "/var/lib/virga/volumes/" VOL ".raw", "format", "raw", "action", "attach");
}

/* Sets key of the entry's connection_info data. */
static void set_data(json_t *o, const char *key, const char *value)
{
	json_object_set_new(json_object_get(json_object_get(o, "connection_info"), "data"), key,
	                json_string(value));
}

static void parses_a_feed_volume(void **state)
{
	json_t *o = entry();
	struct ag_volume v;
	const char *why;

	(void)state;
	assert_int_equal(ag_volume_parse(o, &v, &why), 0);
	assert_string_equal(v.volume_id, VOL);
	assert_string_equal(v.device, "vdb");
	assert_string_equal(v.driver, "file");
	assert_string_equal(v.path, "/var/lib/virga/volumes/" VOL ".raw");
	assert_string_equal(v.format, "raw");
	assert_int_equal(v.size_gb, 0); /* not extended */
	assert_true(v.attach);
	json_object_set_new(o, "size", json_integer(3));
	assert_int_equal(ag_volume_parse(o, &v, &why), 0);
	assert_int_equal(v.size_gb, 3);
	json_object_set_new(o, "action", json_string("detach"));
	assert_int_equal(ag_volume_parse(o, &v, &why), 0);
	assert_false(v.attach);
	json_decref(o);
}

static void refuses_what_cannot_go_into_the_domain(void **state)
{
	static const char *const bad[][2] = {
	                {"device", "/dev/sda"}, {"device", "vda"}, {"device", "/dev/vdb'/>"},
	                {"volume_id", "../../etc/passwd"}, {"attachment_id", "x"},
	                {"action", "swap"}, {"size", "2"},
	};
	static const char *const bad_data[][2] = {{"path", "relative.raw"}, {"format", "vmdk"}};
	struct ag_volume v;
	const char *why;
	json_t *o;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = entry();
		json_object_set_new(o, bad[i][0], json_string(bad[i][1]));
		assert_int_equal(ag_volume_parse(o, &v, &why), -EINVAL);
		assert_non_null(why);
		json_decref(o);
	}
	for (size_t i = 0; i < sizeof(bad_data) / sizeof(bad_data[0]); i++) {
		o = entry();
		set_data(o, bad_data[i][0], bad_data[i][1]);
		assert_int_equal(ag_volume_parse(o, &v, &why), -EINVAL);
		json_decref(o);
	}
	o = entry();
	json_object_set_new(o, "size", json_integer(0));
	assert_int_equal(ag_volume_parse(o, &v, &why), -EINVAL);
	json_decref(o);
}

/* How to attach is the connection_info's driver_volume_type: a node without
 * the connector refuses it rather than linking a path that is not a file. */
static void attaches_only_the_driver_volume_types_it_has_a_connector_for(void **state)
{
	json_t *o = entry();
	struct ag_volume v;
	const char *why;

	(void)state;
	assert_ptr_equal(ag_volume_connector("file"), &ag_volume_file_connector);
	assert_ptr_equal(ag_volume_connector("rbd"), &ag_volume_rbd_connector);
	assert_null(ag_volume_connector("iscsi"));
	assert_null(ag_volume_connector(NULL));
	json_object_set_new(json_object_get(o, "connection_info"), "driver_volume_type",
	                json_string("iscsi"));
	assert_int_equal(ag_volume_parse(o, &v, &why), -EINVAL);
	assert_non_null(strstr(why, "driver_volume_type"));
	json_object_del(o, "connection_info");
	assert_int_equal(ag_volume_parse(o, &v, &why), -EINVAL);
	json_decref(o);
}

static void the_disk_xml_is_a_virtio_disk_with_the_volume_serial(void **state)
{
	json_t *o = entry();
	struct ag_volume v;
	char path[512], *xml;
	const char *why;

	(void)state;
	ag_state_dir_set("/srv/virga");
	assert_int_equal(ag_volume_parse(o, &v, &why), 0);
	assert_int_equal(ag_volume_link_path(SRV, &v, path, sizeof(path)), 0);
	assert_string_equal(path, "/srv/virga/instances/" SRV "/volume-" VOL ".raw");
	xml = ag_volume_disk_xml(&v, path);
	assert_non_null(xml);
	assert_non_null(strstr(xml, "<disk type='file' device='disk'>"));
	assert_non_null(strstr(xml, "<driver name='qemu' type='raw'/>"));
	assert_non_null(strstr(xml, "<source file='/srv/virga/instances/" SRV "/volume-" VOL ".raw'/>"));
	assert_non_null(strstr(xml, "<target dev='vdb' bus='virtio'/>"));
	/* virtio-blk keeps 20 characters of serial */
	assert_non_null(strstr(xml, "<serial>70e10000-0000-4000-8</serial>"));
	free(xml);
	set_data(o, "format", "qcow2");
	assert_int_equal(ag_volume_parse(o, &v, &why), 0);
	xml = ag_volume_disk_xml(&v, path);
	assert_non_null(strstr(xml, "type='qcow2'"));
	free(xml);
	json_decref(o);
}

#define SECRET "5ec7e700-0000-4000-8000-0000000000dd"

/* An rbd volume as Cinder's rbd driver connects it. */
static json_t *rbd_entry(void)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:{s:s, s:[s, s], s:[s, i], s:b, s:s, s:s, s:s}}, "
	                 "s:s}",
	                "volume_id", VOL, "attachment_id", ATT, "device", "/dev/vdb",
	                "connection_info", "driver_volume_type", "rbd", "data", "name",
	                "volumes/volume-" VOL, "hosts", "127.0.0.1", "192.0.2.7", "ports", "6789",
	                3300, "auth_enabled", 1, "auth_username", "cinder", "secret_type", "ceph",
	                "secret_uuid", SECRET, "action", "attach");
}

static void an_rbd_volume_is_a_network_disk_with_its_monitors_and_cephx_secret(void **state)
{
	json_t *o = rbd_entry();
	struct ag_volume v;
	const char *why;
	char fault[64], *xml;

	(void)state;
	assert_int_equal(ag_volume_parse(o, &v, &why), 0);
	assert_string_equal(v.driver, "rbd");
	/* Nothing to make on the node: QEMU opens the image through librbd. */
	assert_int_equal(ag_volume_rbd_connector.connect(SRV, &v, fault, sizeof(fault)), 0);
	xml = ag_volume_rbd_connector.disk_xml(SRV, &v);
	assert_non_null(xml);
	assert_string_equal(xml,
	                "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
	                "<auth username='cinder'><secret type='ceph' uuid='" SECRET "'/></auth>"
	                "<source protocol='rbd' name='volumes/volume-" VOL "'>"
	                "<host name='127.0.0.1' port='6789'/><host name='192.0.2.7' port='3300'/>"
	                "</source><target dev='vdb' bus='virtio'/>"
	                "<serial>70e10000-0000-4000-8</serial></disk>");
	free(xml);
	/* No cephx: no <auth>. */
	json_object_set_new(json_object_get(json_object_get(o, "connection_info"), "data"),
	                "auth_enabled", json_false());
	assert_int_equal(ag_volume_parse(o, &v, &why), 0);
	xml = ag_volume_rbd_connector.disk_xml(SRV, &v);
	assert_null(strstr(xml, "<auth"));
	assert_non_null(strstr(xml, "<source protocol='rbd' name='volumes/volume-" VOL "'>"));
	free(xml);
	json_decref(o);
}

/* What goes into the network disk's XML is checked, not escaped. */
static void refuses_rbd_data_that_cannot_go_into_the_domain(void **state)
{
	static const char *const bad_names[] = {"volumes", "/image", "volumes/", "a/b/c",
	                "volumes/x@snap", "volumes/x:conf=/etc/passwd", "volumes/x'/><disk"};
	json_t *o, *data;
	struct ag_volume v;
	const char *why;

	(void)state;
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		o = rbd_entry();
		data = json_object_get(json_object_get(o, "connection_info"), "data");
		json_object_set_new(data, "name", json_string(bad_names[i]));
		assert_int_equal(ag_volume_parse(o, &v, &why), -EINVAL);
		json_decref(o);
	}
	for (int i = 0; i < 7; i++) {
		o = rbd_entry();
		data = json_object_get(json_object_get(o, "connection_info"), "data");
		switch (i) {
		case 0: json_object_set_new(data, "hosts", json_array()); break;
		case 1: json_array_remove(json_object_get(data, "ports"), 1); break;
		case 2: json_array_set_new(json_object_get(data, "hosts"), 0, json_string("h'/>")); break;
		case 3: json_array_set_new(json_object_get(data, "ports"), 0, json_string("65536")); break;
		case 4: json_array_set_new(json_object_get(data, "ports"), 0, json_string("67x")); break;
		case 5: json_object_del(data, "secret_uuid"); break;
		case 6: json_object_set_new(data, "auth_username", json_string("a'b")); break;
		}
		assert_int_equal(ag_volume_parse(o, &v, &why), -EINVAL);
		assert_non_null(why);
		json_decref(o);
	}
}

/* A server booted from a volume: no image, the volume's file (linked) is vda. */
static void a_server_booted_from_a_volume_has_the_volume_as_vda(void **state)
{
	json_t *boot = entry(), *o;
	struct ag_server s;
	const char *why;
	char *xml;

	(void)state;
	json_object_set_new(boot, "device", json_string("/dev/vda"));
	json_object_set_new(boot, "boot", json_true());
	o = json_pack("{s:s, s:s, s:s, s:{s:i, s:i, s:i}, s:[], s:[o]}", "id", SRV, "name", "vm3",
	                "image_id", "", "flavor", "vcpus", 1, "ram", 128, "disk", 1, "ports",
	                "volumes", boot);
	ag_state_dir_set("/srv/virga");
	assert_int_equal(ag_server_parse(o, &s, &why), 0);
	assert_ptr_equal(s.boot_volume, boot);
	xml = ag_domain_xml(&s, "/srv/virga/instances/" SRV, false);
	assert_non_null(xml);
	assert_non_null(strstr(xml, "<source file='/srv/virga/instances/" SRV "/volume-" VOL
	                            ".raw'/><target dev='vda' bus='virtio'/>"));
	assert_null(strstr(xml, "disk.qcow2"));
	assert_non_null(strstr(xml, "config.iso")); /* the config drive all the same */
	free(xml);

	/* vda only for the boot volume, and the boot volume only on vda */
	json_object_set_new(boot, "device", json_string("/dev/vdb"));
	assert_int_equal(ag_server_parse(o, &s, &why), 0);
	assert_null(ag_domain_xml(&s, "/srv/virga/instances/" SRV, false));
	json_decref(o);
	o = entry();
	json_object_set_new(o, "device", json_string("/dev/vda"));
	assert_int_equal(ag_volume_parse(o, &(struct ag_volume){0}, &why), -EINVAL);
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test(parses_a_feed_volume),
	                cmocka_unit_test(refuses_what_cannot_go_into_the_domain),
	                cmocka_unit_test(attaches_only_the_driver_volume_types_it_has_a_connector_for),
	                cmocka_unit_test(an_rbd_volume_is_a_network_disk_with_its_monitors_and_cephx_secret),
	                cmocka_unit_test(refuses_rbd_data_that_cannot_go_into_the_domain),
	                cmocka_unit_test(the_disk_xml_is_a_virtio_disk_with_the_volume_serial),
	                cmocka_unit_test(a_server_booted_from_a_volume_has_the_volume_as_vda),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
