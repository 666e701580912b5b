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
	assert_null(ag_volume_connector("rbd"));
	assert_null(ag_volume_connector(NULL));
	json_object_set_new(json_object_get(o, "connection_info"), "driver_volume_type",
	                json_string("rbd"));
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
	                cmocka_unit_test(the_disk_xml_is_a_virtio_disk_with_the_volume_serial),
	                cmocka_unit_test(a_server_booted_from_a_volume_has_the_volume_as_vda),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
