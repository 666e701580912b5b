/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A private virga-controller for one bench run: a temp dir holds its state
 * and logs, it listens on a free loopback port, and it dies with the bench
 * (PR_SET_PDEATHSIG) even if the bench is killed with SIGKILL.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ab.h"

static int free_port(void)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -errno;

	if (fd < 0)
		return port;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	                getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	else
		port = -errno;
	close(fd);
	return port;
}

static int answers(const char *url)
{
	struct ab_conn c;
	struct ab_resp r;
	int rc = ab_conn_open(&c, url);

	if (rc == 0)
		rc = ab_request(&c, "GET", "/identity", NULL, NULL, NULL, &r);
	if (rc == 0)
		ab_resp_free(&r);
	ab_conn_close(&c);
	return rc;
}

int ab_controller_start(struct ab_controller *ctl, const char *path, const char *tls_dir)
{
	char state[192], log[192], listen[32], cert[600], key[600];
	int port, i, fd;

	memset(ctl, 0, sizeof(*ctl));
	snprintf(ctl->dir, sizeof(ctl->dir), "/tmp/virga-apibench.XXXXXX");
	if (mkdtemp(ctl->dir) == NULL) {
		ctl->dir[0] = '\0';
		return -errno;
	}
	port = free_port();
	if (port < 0)
		return port;
	snprintf(state, sizeof(state), "%s/state", ctl->dir);
	snprintf(log, sizeof(log), "%s/controller.log", ctl->dir);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	snprintf(ctl->url, sizeof(ctl->url), "%s://%s", tls_dir ? "https" : "http", listen);
	snprintf(cert, sizeof(cert), "%s/server.pem", tls_dir ? tls_dir : "");
	snprintf(key, sizeof(key), "%s/server-key.pem", tls_dir ? tls_dir : "");
	snprintf(ctl->password, sizeof(ctl->password), "bench-%d-%ld", (int)getpid(),
	                (long)time(NULL));
	ctl->pid = fork();
	if (ctl->pid < 0)
		return -errno;
	if (ctl->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		/* Its own process group: Ctrl-C reaches the bench, which stops it in order. */
		setpgid(0, 0);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		if (tls_dir)
			execl(path, path, "--state-dir", state, "--listen", listen,
			                "--admin-password", ctl->password, "--tls-cert", cert,
			                "--tls-key", key, (char *)NULL);
		else
			execl(path, path, "--state-dir", state, "--listen", listen,
			                "--admin-password", ctl->password, (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	for (i = 0; i < 200 && !ab_stop; i++) {
		if (answers(ctl->url) == 0)
			return 0;
		if (waitpid(ctl->pid, NULL, WNOHANG) == ctl->pid) {
			ctl->pid = 0;
			return -ECHILD;
		}
		usleep(50000);
	}
	return -ETIMEDOUT;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

void ab_controller_stop(struct ab_controller *ctl)
{
	int i;

	if (ctl->pid > 0) {
		kill(ctl->pid, SIGTERM);
		for (i = 0; i < 50 && waitpid(ctl->pid, NULL, WNOHANG) == 0; i++)
			usleep(100000);
		if (i == 50) {
			kill(ctl->pid, SIGKILL);
			waitpid(ctl->pid, NULL, 0);
		}
		ctl->pid = 0;
	}
	if (ctl->dir[0]) {
		nftw(ctl->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		ctl->dir[0] = '\0';
	}
}

int ab_controller_service_token(const struct ab_controller *ctl, char *out, size_t cap)
{
	char path[192], fmt[16];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/state/service-token", ctl->dir);
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	snprintf(fmt, sizeof(fmt), "%%%zus", cap - 1);
	ok = fscanf(f, fmt, out) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}
