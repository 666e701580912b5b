/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The volume drivers (controlplane/volume/volume_driver.h): which driver a
 * volume type and a volume row choose, and each op of the file driver on a
 * store in a temporary directory of the test's own, removed afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../controlplane/volume/volume.h"
#include "../../controlplane/volume/volume_driver.h"
#include "../../controlplane/volume/volume_image.h"

#define GIB (1ull << 30)
#define VOL "70e10000-0000-4000-8000-0000000000aa"
#define VOL2 "70e10000-0000-4000-8000-0000000000bb"
#define SNAP "5a950000-0000-4000-8000-0000000000cc"
#define MARK "virga-volume-marker"

static const struct cp_volume_driver *const file = &cp_volume_file_driver;

/* ---- which driver ---- */

static void the_default_backend_is_the_file_driver(void **state)
{
	(void)state;
	assert_ptr_equal(cp_volume_driver_named(NULL), file);
	assert_ptr_equal(cp_volume_driver_named(""), file);
	assert_ptr_equal(cp_volume_driver_named("file"), file);
	assert_string_equal(file->name, "file");
	assert_null(cp_volume_driver_named("rbd")); /* not built */
	assert_null(cp_volume_driver_named("fil"));
}

static void a_volume_type_chooses_by_its_volume_backend_name(void **state)
{
	json_t *dflt = cp_volume_default_type(), *t;

	(void)state;
	assert_string_equal(json_string_value(json_object_get(json_object_get(dflt, "extra_specs"),
	                                    "volume_backend_name")),
	                "file");
	assert_ptr_equal(cp_volume_driver_for_type(dflt), file);
	json_decref(dflt);
	t = json_pack("{s:s, s:{s:s}}", "name", "fast", "extra_specs", "volume_backend_name", "rbd");
	assert_null(cp_volume_driver_for_type(t));
	json_decref(t);
	/* No volume_backend_name (or no extra specs): any backend, the default here. */
	t = json_pack("{s:s, s:{}}", "name", "plain", "extra_specs");
	assert_ptr_equal(cp_volume_driver_for_type(t), file);
	json_decref(t);
	t = json_pack("{s:s}", "name", "bare");
	assert_ptr_equal(cp_volume_driver_for_type(t), file);
	json_decref(t);
}

static const struct cp_volume_driver *of_host(const char *host)
{
	json_t *v = json_pack("{s:s, s:s}", "id", VOL, "os-vol-host-attr:host", host);
	const struct cp_volume_driver *d = cp_volume_driver_of(v);

	json_decref(v);
	return d;
}

static void a_volume_keeps_its_driver_in_its_host(void **state)
{
	char host[128];
	json_t *v;

	(void)state;
	cp_volume_driver_host(file, host, sizeof(host));
	assert_string_equal(host, "virga@file#file");
	assert_ptr_equal(of_host(host), file);
	assert_ptr_equal(of_host("otherhost@file"), file); /* no pool */
	assert_null(of_host("virga@rbd#rbd"));
	assert_null(of_host("virga"));
	assert_null(of_host("virga@#file"));
	v = json_pack("{s:s}", "id", VOL); /* no host: the default */
	assert_ptr_equal(cp_volume_driver_of(v), file);
	json_decref(v);
}

/* ---- the file driver's ops, on a store of the test's ---- */

struct store {
	char dir[64];
	char path[PATH_MAX];
};

static int make_store(void **state)
{
	struct store *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	snprintf(s->dir, sizeof(s->dir), "/tmp/virga-voldrv-XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int remove_store(void **state)
{
	struct store *s = *state;
	int rc = nftw(s->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);

	free(s);
	return rc;
}

/* The file the layout of volume_file.h gives prefix + id in the store. */
static const char *at(struct store *s, const char *prefix, const char *id)
{
	snprintf(s->path, sizeof(s->path), "%s/%s%s.raw", s->dir, prefix, id);
	return s->path;
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

static off_t allocated(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (off_t)st.st_blocks * 512 : -1;
}

static void put(const char *path, off_t off, const char *text)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, text, strlen(text), off), (ssize_t)strlen(text));
	close(fd);
}

static bool has(const char *path, off_t off, const char *text)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? pread(fd, buf, strlen(text), off) : -1;

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text) && memcmp(buf, text, (size_t)n) == 0;
}

static void create_makes_a_sparse_file_of_the_size(void **state)
{
	struct store *s = *state;

	assert_int_equal(file->create(s->dir, VOL, 1), 0);
	assert_int_equal(size_of(at(s, "", VOL)), (off_t)GIB);
	assert_true(allocated(at(s, "", VOL)) < (off_t)(1 << 20));
	/* Never over a volume that is there. */
	assert_int_equal(file->create(s->dir, VOL, 2), -EEXIST);
	assert_int_equal(size_of(at(s, "", VOL)), (off_t)GIB);
}

static void a_copy_keeps_the_bytes_and_the_holes(void **state)
{
	struct store *s = *state;

	assert_int_equal(file->create(s->dir, VOL, 1), 0);
	put(at(s, "", VOL), 0, MARK);
	put(at(s, "", VOL), 512 << 20, MARK "-middle");
	assert_int_equal(file->create_from_volume(s->dir, VOL2, VOL, 2), 0);
	assert_int_equal(size_of(at(s, "", VOL2)), (off_t)(2 * GIB));
	assert_true(has(at(s, "", VOL2), 0, MARK));
	assert_true(has(at(s, "", VOL2), 512 << 20, MARK "-middle"));
	assert_true(allocated(at(s, "", VOL2)) < (off_t)(4 << 20));
	/* No source: nothing made. */
	assert_int_equal(file->create_from_volume(s->dir, SNAP, "missing", 1), -ENOENT);
	assert_int_equal(size_of(at(s, "", SNAP)), -1);
}

static void a_snapshot_is_the_volume_at_that_time(void **state)
{
	struct store *s = *state;

	assert_int_equal(file->create(s->dir, VOL, 1), 0);
	put(at(s, "", VOL), 4096, MARK);
	assert_int_equal(file->snapshot_create(s->dir, SNAP, VOL, 1), 0);
	assert_true(has(at(s, "snap-", SNAP), 4096, MARK));
	put(at(s, "", VOL), 4096, "overwritten-later");
	assert_true(has(at(s, "snap-", SNAP), 4096, MARK));
	assert_int_equal(file->create_from_snapshot(s->dir, VOL2, SNAP, 1), 0);
	assert_true(has(at(s, "", VOL2), 4096, MARK));
	assert_int_equal(file->snapshot_delete(s->dir, SNAP), 0);
	assert_int_equal(size_of(at(s, "snap-", SNAP)), -1);
	assert_int_equal(file->snapshot_delete(s->dir, SNAP), 0); /* gone already: done */
	assert_true(has(at(s, "", VOL2), 4096, MARK));           /* the clone stays */
}

static void extend_grows_the_file_and_keeps_its_bytes(void **state)
{
	struct store *s = *state;

	assert_int_equal(file->create(s->dir, VOL, 1), 0);
	put(at(s, "", VOL), 0, MARK);
	assert_int_equal(file->extend(s->dir, VOL, 3), 0);
	assert_int_equal(size_of(at(s, "", VOL)), (off_t)(3 * GIB));
	assert_true(has(at(s, "", VOL), 0, MARK));
	assert_int_equal(file->extend(s->dir, VOL2, 3), -ENOENT); /* makes nothing */
	assert_int_equal(size_of(at(s, "", VOL2)), -1);
}

static void delete_removes_the_file_and_again_is_done(void **state)
{
	struct store *s = *state;

	assert_int_equal(file->create(s->dir, VOL, 1), 0);
	assert_int_equal(file->delete(s->dir, VOL), 0);
	assert_int_equal(size_of(at(s, "", VOL)), -1);
	assert_int_equal(file->delete(s->dir, VOL), 0);
}

static void the_connection_is_cinder_shaped_and_names_the_file(void **state)
{
	struct store *s = *state;
	json_t *conn = file->connection(s->dir, VOL), *want;

	want = json_pack("{s:s, s:{s:s, s:s}}", "driver_volume_type", "file", "data", "path",
	                at(s, "", VOL), "format", "raw");
	assert_non_null(conn);
	assert_true(json_equal(conn, want));
	json_decref(conn);
	json_decref(want);
}

/* Runs argv, its output thrown away; its exit status. */
static int run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void an_image_raw_or_qcow2_becomes_the_volume_s_bytes(void **state)
{
	struct store *s = *state;
	struct cp_volume_image img = {.format = "raw"};
	char raw[PATH_MAX], qcow2[PATH_MAX];
	int fd;

	/* A 64 MiB raw image with the marker at 1 MiB, and the same as qcow2. */
	snprintf(raw, sizeof(raw), "%s/image.raw", s->dir);
	snprintf(qcow2, sizeof(qcow2), "%s/image.qcow2", s->dir);
	fd = open(raw, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 64 << 20), 0);
	close(fd);
	put(raw, 1 << 20, MARK);
	assert_int_equal(run((char *[]){"/usr/bin/qemu-img", "convert", "-f", "raw", "-O", "qcow2",
	                                raw, qcow2, NULL}),
	                0);

	snprintf(img.path, sizeof(img.path), "%s", raw);
	img.virtual_bytes = 64 << 20;
	assert_int_equal(file->create_from_image(s->dir, VOL, &img, 1), 0);
	assert_int_equal(size_of(at(s, "", VOL)), (off_t)GIB);
	assert_true(has(at(s, "", VOL), 1 << 20, MARK));

	snprintf(img.path, sizeof(img.path), "%s", qcow2);
	snprintf(img.format, sizeof(img.format), "qcow2");
	assert_int_equal(file->create_from_image(s->dir, VOL2, &img, 2), 0);
	assert_int_equal(size_of(at(s, "", VOL2)), (off_t)(2 * GIB));
	assert_true(has(at(s, "", VOL2), 1 << 20, MARK));
	assert_false(has(at(s, "", VOL2), 0, "QFI")); /* converted, not copied */
	assert_true(allocated(at(s, "", VOL2)) < (off_t)(4 << 20));

	/* A qcow2 image that is not one: no volume left behind. */
	snprintf(img.path, sizeof(img.path), "%s", raw);
	assert_int_not_equal(file->create_from_image(s->dir, SNAP, &img, 1), 0);
	assert_int_equal(size_of(at(s, "", SNAP)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	                cmocka_unit_test(the_default_backend_is_the_file_driver),
	                cmocka_unit_test(a_volume_type_chooses_by_its_volume_backend_name),
	                cmocka_unit_test(a_volume_keeps_its_driver_in_its_host),
	                cmocka_unit_test_setup_teardown(create_makes_a_sparse_file_of_the_size,
	                                make_store, remove_store),
	                cmocka_unit_test_setup_teardown(a_copy_keeps_the_bytes_and_the_holes,
	                                make_store, remove_store),
	                cmocka_unit_test_setup_teardown(a_snapshot_is_the_volume_at_that_time,
	                                make_store, remove_store),
	                cmocka_unit_test_setup_teardown(extend_grows_the_file_and_keeps_its_bytes,
	                                make_store, remove_store),
	                cmocka_unit_test_setup_teardown(delete_removes_the_file_and_again_is_done,
	                                make_store, remove_store),
	                cmocka_unit_test_setup_teardown(
	                                the_connection_is_cinder_shaped_and_names_the_file,
	                                make_store, remove_store),
	                cmocka_unit_test_setup_teardown(
	                                an_image_raw_or_qcow2_becomes_the_volume_s_bytes,
	                                make_store, remove_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
