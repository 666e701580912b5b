/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A server's files on the node (the layout is in compute.h): its image
 * fetched once from the image service and checked, a qcow2 overlay on it,
 * and a config drive as Nova writes one, so the guest finds its name, key
 * and user data with no metadata server.
 *
 * qemu-img and genisoimage do the formats (Debian's qemu-utils and
 * genisoimage); they run as children, their output in the fault when they
 * fail. Everything is made under a temporary name and renamed in place, so
 * a cut download or a failed tool leaves nothing that looks finished.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "common/http.h"
#include "common/log.h"
#include "common/parse.h"
#include "common/state_dir.h"
#include "compute/compute.h"

#define IMAGE_TIMEOUT_MS (30 * 60 * 1000)
#define META_TIMEOUT_MS 10000

int ag_instance_dir(const char *id, char *buf, size_t cap)
{
	return (size_t)snprintf(buf, cap, "%s/instances/%s", ag_state_dir(), id) < cap
	                       ? 0
	                       : -ENAMETOOLONG;
}

static const char *jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int ag_server_parse(const json_t *o, struct ag_server *s, const char **why)
{
	const json_t *flavor = json_object_get(o, "flavor");

	memset(s, 0, sizeof(*s));
	s->id = jstr(o, "id");
	s->name = jstr(o, "name");
	s->hostname = jstr(o, "hostname");
	s->image_id = jstr(o, "image_id");
	s->power = jstr(o, "power_state");
	s->user_data = jstr(o, "user_data");
	s->key_name = jstr(o, "key_name");
	s->key_data = jstr(o, "key_data");
	s->ports = json_object_get(o, "ports");
	s->volumes = json_object_get(o, "volumes");
	s->boot_volume = ag_volume_boot_entry(s->volumes);
	s->vcpus = json_integer_value(json_object_get(flavor, "vcpus"));
	s->ram_mb = json_integer_value(json_object_get(flavor, "ram"));
	s->disk_gb = json_integer_value(json_object_get(flavor, "disk"));
	s->reboot = json_integer_value(json_object_get(o, "reboot"));
	*why = NULL;
	if (s->id == NULL || !ag_is_uuid(s->id))
		*why = "no server id";
	else if (s->boot_volume == NULL && (s->image_id == NULL || !ag_is_uuid(s->image_id)))
		*why = "no image and no boot volume";
	else if (s->vcpus < 1 || s->vcpus > 64 || s->ram_mb < 16 || s->ram_mb > (1 << 20) ||
	                s->disk_gb < 0)
		*why = "a flavor out of range";
	else if (!json_is_array(s->ports))
		*why = "no ports";
	if (s->name == NULL)
		s->name = s->id;
	if (s->hostname == NULL)
		s->hostname = s->name;
	if (s->power == NULL)
		s->power = "running";
	return *why ? -EINVAL : 0;
}

/* Runs argv, its stdout and stderr into fault when it fails. */
static int run_tool(char *const argv[], char *fault, size_t cap)
{
	char out[512] = "";
	int pipefd[2], status;
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + got, sizeof(out) - 1 - (size_t)got)) > 0)
		got += n;
	close(pipefd[0]);
	out[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	for (char *c = out; *c; c++)
		if (*c == '\n')
			*c = ' ';
	snprintf(fault, cap, "%s failed: %s", argv[0], out[0] ? out : "no output");
	return -EIO;
}

/* The md5 of a file, in hex, as Glance's "checksum". */
static int file_md5(const char *path, char hex[33])
{
	unsigned char buf[65536], digest[16];
	gnutls_hash_hd_t h;
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return -errno;
	if (gnutls_hash_init(&h, GNUTLS_DIG_MD5) < 0) {
		fclose(f);
		return -ENOMEM;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		gnutls_hash(h, buf, n);
	gnutls_hash_deinit(h, digest);
	fclose(f);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}

/*
 * The image's metadata, then its bytes into _base/<id> (once: a base that
 * exists was checked when it was made). *format: its disk_format.
 */
static int fetch_base(const char *image_id, const char *controller, const char *token,
                char *base, size_t base_cap, char format[16], char *fault, size_t cap)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], url[256], sum[33];
	struct ag_http_resp resp;
	const char *want, *fmt;
	json_t *meta;
	FILE *out;
	int rc, status;

	snprintf(url, sizeof(url), "/image/v2/images/%s", image_id);
	rc = ag_http_request(controller, "GET", url, token, NULL, META_TIMEOUT_MS, &resp);
	if (rc < 0) {
		snprintf(fault, cap, "image %s: %s", image_id, ag_http_last_error());
		return rc;
	}
	meta = resp.status == 200 ? json_loadb(resp.body, resp.len, 0, NULL) : NULL;
	free(resp.body);
	if (meta == NULL || strcmp(jstr(meta, "status") ?: "", "active") != 0) {
		snprintf(fault, cap, "Image %s could not be found or is not active (HTTP %d).",
		                image_id, resp.status);
		json_decref(meta);
		return -ENOENT;
	}
	fmt = jstr(meta, "disk_format") ?: "raw";
	snprintf(format, 16, "%s", strcmp(fmt, "qcow2") == 0 ? "qcow2" : "raw");
	snprintf(path, sizeof(path), "%s/instances/_base", ag_state_dir());
	if ((rc = ag_dir_with_mode(path, 0755)) < 0) {
		json_decref(meta);
		snprintf(fault, cap, "cannot make %s: %s", path, strerror(-rc));
		return rc;
	}
	if ((size_t)snprintf(base, base_cap, "%s/%s", path, image_id) >= base_cap) {
		json_decref(meta);
		return -ENAMETOOLONG;
	}
	if (access(base, R_OK) == 0) {
		json_decref(meta);
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s.part", base);
	out = fopen(tmp, "wb");
	if (out == NULL) {
		rc = -errno;
		json_decref(meta);
		snprintf(fault, cap, "cannot write %s: %s", tmp, strerror(-rc));
		return rc;
	}
	snprintf(url, sizeof(url), "/image/v2/images/%s/file", image_id);
	rc = ag_http_download(controller, url, token, out, IMAGE_TIMEOUT_MS, &status);
	fclose(out);
	want = jstr(meta, "checksum");
	if (rc == 0 && status != 200)
		rc = -EIO;
	if (rc == 0 && want != NULL && (file_md5(tmp, sum) < 0 || strcmp(sum, want) != 0)) {
		snprintf(fault, cap, "image %s: its md5 is %s, not %s as the image service says",
		                image_id, sum, want);
		rc = -EBADMSG;
	} else if (rc < 0) {
		snprintf(fault, cap, "image %s: download failed (HTTP %d%s%s)", image_id, status,
		                rc == -EIO ? "" : ", ", rc == -EIO ? "" : ag_http_last_error());
	}
	json_decref(meta);
	if (rc == 0 && (chmod(tmp, 0644) < 0 || rename(tmp, base) < 0))
		rc = -errno;
	if (rc < 0) {
		unlink(tmp);
		return rc;
	}
	ag_log(AG_INFO, "image %s fetched into %s", image_id, base);
	return 0;
}

/* RFC 4648 base64 into out (cap bytes); the length, or -EINVAL. */
static ssize_t base64_decode(const char *in, unsigned char *out, size_t cap)
{
	static const char alphabet[] =
	                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;

	for (; *in && *in != '='; in++) {
		const char *at = strchr(alphabet, *in);

		if (*in == '\n' || *in == '\r')
			continue;
		if (at == NULL)
			return -EINVAL;
		acc = acc << 6 | (uint32_t)(at - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == cap)
				return -E2BIG;
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return (ssize_t)n;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (f == NULL)
		return -errno;
	if (fwrite(data, 1, len, f) != len)
		rc = -EIO;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* The config drive (label config-2, openstack/latest/{meta_data.json,user_data}). */
static int config_drive(const struct ag_server *s, const char *dir, char *fault, size_t cap)
{
	char tree[PATH_MAX + 16], path[PATH_MAX + 64], iso[PATH_MAX + 16], tmp[PATH_MAX + 24];
	json_t *meta = json_pack("{s:s, s:s, s:s, s:s, s:{}}", "uuid", s->id, "name", s->name,
	                "hostname", s->hostname, "availability_zone", "nova", "meta");
	char *text;
	int rc;

	if (meta == NULL)
		return -ENOMEM;
	if (s->key_data != NULL)
		json_object_set_new(meta, "public_keys",
		                json_pack("{s:s}", s->key_name ? s->key_name : "key", s->key_data));
	snprintf(tree, sizeof(tree), "%s/config", dir);
	snprintf(path, sizeof(path), "%s/openstack", tree);
	if ((rc = ag_dir_with_mode(tree, 0755)) == 0 && (rc = ag_dir_with_mode(path, 0755)) == 0) {
		snprintf(path, sizeof(path), "%s/openstack/latest", tree);
		rc = ag_dir_with_mode(path, 0755);
	}
	text = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/openstack/latest/meta_data.json", tree);
		rc = text ? write_file(path, text, strlen(text)) : -ENOMEM;
	}
	free(text);
	if (rc == 0 && s->user_data != NULL) {
		size_t cap_ud = strlen(s->user_data);
		unsigned char *ud = malloc(cap_ud + 1);
		ssize_t n = ud ? base64_decode(s->user_data, ud, cap_ud) : -ENOMEM;

		snprintf(path, sizeof(path), "%s/openstack/latest/user_data", tree);
		rc = n < 0 ? (int)n : write_file(path, ud, (size_t)n);
		free(ud);
	}
	if (rc < 0) {
		snprintf(fault, cap, "cannot write the config drive: %s", strerror(-rc));
		return rc;
	}
	snprintf(iso, sizeof(iso), "%s/config.iso", dir);
	snprintf(tmp, sizeof(tmp), "%s.part", iso);
	rc = run_tool((char *[]){"genisoimage", "-quiet", "-V", "config-2", "-r", "-J", "-o", tmp,
	                              tree, NULL},
	                fault, cap);
	if (rc == 0 && rename(tmp, iso) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

/* The root disk from the image: the base fetched once, a qcow2 overlay on it in dir. */
static int root_overlay(const struct ag_server *s, const char *dir, const char *controller,
                const char *token, char *fault, size_t cap)
{
	char base[PATH_MAX], disk[PATH_MAX + 16], tmp[PATH_MAX + 32], size[32], format[16];
	int rc = fetch_base(s->image_id, controller, token, base, sizeof(base), format, fault, cap);

	if (rc < 0)
		return rc;
	snprintf(disk, sizeof(disk), "%s/disk.qcow2", dir);
	if (access(disk, F_OK) != 0) {
		snprintf(tmp, sizeof(tmp), "%s.part", disk);
		snprintf(size, sizeof(size), "%lldG", (long long)s->disk_gb);
		/* The flavor's disk when it is given and not below the image's size. */
		rc = run_tool((char *[]){"qemu-img", "create", "-q", "-f", "qcow2", "-F", format, "-b",
		                              base, tmp, s->disk_gb > 0 ? size : NULL, NULL},
		                fault, cap);
		if (rc < 0 && s->disk_gb > 0)
			rc = run_tool((char *[]){"qemu-img", "create", "-q", "-f", "qcow2", "-F",
			                              format, "-b", base, tmp, NULL},
			                fault, cap);
		if (rc == 0 && (chmod(tmp, 0644) < 0 || rename(tmp, disk) < 0))
			rc = -errno;
		if (rc < 0)
			unlink(tmp);
	}
	return rc;
}

int ag_instance_prepare(const struct ag_server *s, const char *controller, const char *token,
                char *fault, size_t cap)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	int rc;

	fault[0] = '\0';
	if ((rc = ag_state_dir_searchable()) < 0 ||
	                (rc = ag_instance_dir(s->id, dir, sizeof(dir))) < 0)
		goto fail;
	snprintf(path, sizeof(path), "%s/instances", ag_state_dir());
	if ((rc = ag_dir_with_mode(path, 0755)) < 0 || (rc = ag_dir_with_mode(dir, 0755)) < 0)
		goto fail;
	/* Booted from a volume: its file, linked here, is the root disk (volumes.c). */
	rc = s->boot_volume ? ag_volume_connect_boot(s, fault, cap)
	                    : root_overlay(s, dir, controller, token, fault, cap);
	if (rc < 0)
		return rc;
	if ((rc = config_drive(s, dir, fault, cap)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/console.log", dir);
	if (access(path, F_OK) != 0 && (rc = write_file(path, "", 0)) < 0)
		goto fail;
	return 0;
fail:
	if (fault[0] == '\0')
		snprintf(fault, cap, "cannot make the instance directory: %s", strerror(-rc));
	return rc;
}

/* rm -r of dir, which holds only what ag_instance_prepare made (two levels at most below). */
static void remove_tree(const char *dir)
{
	char *const argv[] = {"rm", "-rf", "--one-file-system", (char *)dir, NULL};
	char fault[256];

	if (run_tool(argv, fault, sizeof(fault)) < 0)
		ag_log(AG_WARN, "cannot remove %s: %s", dir, fault);
}

void ag_instance_remove(const char *id)
{
	char dir[PATH_MAX];

	if (ag_is_uuid(id) && ag_instance_dir(id, dir, sizeof(dir)) == 0 && access(dir, F_OK) == 0)
		remove_tree(dir);
}
