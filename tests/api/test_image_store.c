/* SPDX-License-Identifier: Apache-2.0 */
/* MD5 (RFC 1321 A.5 vectors), the disk-format sniffer and the streaming
 * image store (controlplane/image/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "../../controlplane/image/image_store.h"

static void md5_hex(const char *msg, size_t chunk, char out[33])
{
	struct cp_md5 m;
	uint8_t d[CP_MD5_LEN];
	size_t len = strlen(msg);

	cp_md5_init(&m);
	for (size_t off = 0; off < len; off += chunk)
		cp_md5_update(&m, msg + off, len - off < chunk ? len - off : chunk);
	cp_md5_final(&m, d);
	cp_hex(d, sizeof(d), out);
}

static void md5_matches_rfc1321_test_suite(void **state)
{
	static const char *const v[][2] = {
	                {"", "d41d8cd98f00b204e9800998ecf8427e"},
	                {"a", "0cc175b9c0f1b6a831c399e269772661"},
	                {"abc", "900150983cd24fb0d6963f7d28e17f72"},
	                {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
	                {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
	                {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	                                "d174ab98d277d9f5a5611c2c9f419d9f"},
	                {"1234567890123456789012345678901234567890123456789012345678901234567890123"
	                 "456"
	                 "7890",
	                                "57edf4a22be3c955ac49da2e2107b67a"},
	};
	char out[33];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		md5_hex(v[i][0], 1000, out);
		assert_string_equal(out, v[i][1]);
	}
}

static void md5_is_the_same_in_odd_sized_chunks(void **state)
{
	const char *msg = "1234567890123456789012345678901234567890123456789012345678901234567890"
	                  "1234567890";
	char out[33];

	(void)state;
	for (size_t chunk = 1; chunk < 70; chunk += 7) {
		md5_hex(msg, chunk, out);
		assert_string_equal(out, "57edf4a22be3c955ac49da2e2107b67a");
	}
}

static void sniffer_knows_qcow2_and_iso_magic(void **state)
{
	static unsigned char iso[CP_IMAGE_SNIFF_LEN];

	(void)state;
	assert_true(cp_image_format_matches("qcow2", (const unsigned char *)"QFI\xfb\0\0\0\3", 8));
	assert_false(cp_image_format_matches("qcow2", (const unsigned char *)"QFI", 3));
	assert_false(cp_image_format_matches("qcow2", (const unsigned char *)"hello wo", 8));
	assert_false(cp_image_format_matches("iso", iso, sizeof(iso)));
	memcpy(iso + 32769, "CD001", 5);
	assert_true(cp_image_format_matches("iso", iso, sizeof(iso)));
	assert_false(cp_image_format_matches("iso", iso, 32770));
	assert_true(cp_image_format_matches("raw", (const unsigned char *)"x", 1));
	assert_true(cp_image_disk_format_known("qcow2"));
	assert_false(cp_image_disk_format_known("qcow3"));
	assert_false(cp_image_disk_format_known(NULL));
}

static char store[] = "/tmp/virga-image-store.XXXXXX";

static int entries(void)
{
	DIR *d = opendir(store);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
	closedir(d);
	return n;
}

static void store_keeps_a_complete_upload_under_its_id(void **state)
{
	struct cp_image_upload *u = malloc(sizeof(*u));
	struct cp_image_digest d;
	char path[PATH_MAX];
	struct stat st;

	(void)state;
	assert_int_equal(cp_image_upload_begin(u, store, "img-1", "qcow2"), 0);
	assert_int_equal(cp_image_upload_write(u, "QF", 2), 0);
	assert_int_equal(cp_image_upload_write(u, "I\xfb", 2), 0);
	assert_int_equal(cp_image_upload_finish(u, &d), 0);
	assert_int_equal(d.size, 4);
	assert_int_equal(strlen(d.os_hash_value), 128);
	assert_int_equal(cp_image_path(store, "img-1", path), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(entries(), 1);
	unlink(path);
	free(u);
}

static void store_leaves_nothing_of_a_refused_or_cut_upload(void **state)
{
	struct cp_image_upload *u = malloc(sizeof(*u));
	struct cp_image_digest d;
	static char junk[CP_IMAGE_SNIFF_LEN + 10];

	(void)state;
	assert_int_equal(cp_image_upload_begin(u, store, "img-2", "qcow2"), 0);
	assert_int_equal(cp_image_upload_write(u, junk, sizeof(junk)), -EINVAL);
	cp_image_upload_abort(u);
	assert_int_equal(entries(), 0);
	/* Short and wrong: judged at the end. */
	assert_int_equal(cp_image_upload_begin(u, store, "img-3", "qcow2"), 0);
	assert_int_equal(cp_image_upload_write(u, "nope", 4), 0);
	assert_int_equal(cp_image_upload_finish(u, &d), -EINVAL);
	assert_int_equal(entries(), 0);
	/* Cut: the connection went away before finish. */
	assert_int_equal(cp_image_upload_begin(u, store, "img-4", "raw"), 0);
	assert_int_equal(cp_image_upload_write(u, "half", 4), 0);
	cp_image_upload_abort(u);
	cp_image_upload_abort(u);
	assert_int_equal(entries(), 0);
	free(u);
}

static void store_refuses_ids_that_leave_the_directory(void **state)
{
	char path[PATH_MAX];

	(void)state;
	assert_int_equal(cp_image_path(store, "../etc", path), -EINVAL);
	assert_int_equal(cp_image_path(store, "a/b", path), -EINVAL);
	assert_int_equal(cp_image_path(store, "", path), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test(md5_matches_rfc1321_test_suite),
	                cmocka_unit_test(md5_is_the_same_in_odd_sized_chunks),
	                cmocka_unit_test(sniffer_knows_qcow2_and_iso_magic),
	                cmocka_unit_test(store_keeps_a_complete_upload_under_its_id),
	                cmocka_unit_test(store_leaves_nothing_of_a_refused_or_cut_upload),
	                cmocka_unit_test(store_refuses_ids_that_leave_the_directory),
	};
	int rc;

	if (!mkdtemp(store))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(store);
	return rc;
}
