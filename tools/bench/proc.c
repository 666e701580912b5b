/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Child processes: testpmd (driven through a pty, because its printf output
 * to a pipe would sit in stdio buffers until it exits) and the dataplane
 * (output to a log file).
 *
 * Nothing may be left running: each child is in its own session or process
 * group (so a Ctrl-C reaches only us, and we stop it in order), dies with
 * us (PR_SET_PDEATHSIG) if we are killed outright, and is killed by the
 * exit-time reaper if an error path forgot it.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_CHILDREN 8

volatile sig_atomic_t bench_interrupted;
static pid_t children[MAX_CHILDREN];

static void on_signal(int sig)
{
	(void)sig;
	bench_interrupted = 1;
}

static void reap_all(void)
{
	for (unsigned int i = 0; i < MAX_CHILDREN; i++) {
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
			children[i] = 0;
		}
	}
}

void bench_proc_init(void)
{
	/* No SA_RESTART: a signal must cut poll() and nanosleep() short. */
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A child that closes its pty while we write must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	atexit(reap_all);
}

static void track(pid_t pid, bool add)
{
	for (unsigned int i = 0; i < MAX_CHILDREN; i++) {
		if (add ? children[i] == 0 : children[i] == pid) {
			children[i] = add ? pid : 0;
			return;
		}
	}
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int bench_sleep(double seconds)
{
	double end = bench_now() + seconds;

	while (!bench_interrupted) {
		double left = end - bench_now();
		struct timespec ts;

		if (left <= 0)
			return 0;
		ts.tv_sec = (time_t)left;
		ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
	return -EINTR;
}

static void child_setup(const char *log_path)
{
	/* If virga-bench dies without cleaning up, the child goes with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (log_path != NULL) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
	}
}

int bench_proc_spawn(struct bench_proc *p, char *const argv[], const char *log_path)
{
	pid_t parent = getpid();

	*p = (struct bench_proc){.fd = -1};
	if (log_path != NULL) {
		p->pid = fork();
	} else {
		struct winsize ws = {.ws_row = 50, .ws_col = 200};

		p->pid = forkpty(&p->fd, NULL, NULL, &ws);
	}
	if (p->pid < 0)
		return -errno;
	if (p->pid == 0) {
		child_setup(log_path);
		/* The parent may have died between fork() and prctl(). */
		if (getppid() != parent)
			_exit(127);
		execv(argv[0], argv);
		fprintf(stderr, "virga-bench: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	track(p->pid, true);
	if (p->fd >= 0)
		fcntl(p->fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

bool bench_proc_alive(struct bench_proc *p)
{
	if (p->pid <= 0)
		return false;
	if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
		track(p->pid, false);
		p->pid = 0;
		return false;
	}
	return true;
}

int bench_proc_write(struct bench_proc *p, const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t n = write(p->fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s += n;
		len -= n;
	}
	return 0;
}

/* Reads what is available within timeout_ms; -ECHILD at end of output. */
static int read_some(struct bench_proc *p, int timeout_ms)
{
	struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
	ssize_t n;
	int rc;

	if (p->cap - p->len < 4097) {
		size_t cap = p->cap ? p->cap * 2 : 65536;
		char *out = realloc(p->out, cap);

		if (out == NULL)
			return -ENOMEM;
		p->out = out;
		p->cap = cap;
	}
	rc = poll(&pfd, 1, timeout_ms);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	if (rc == 0)
		return 0;
	n = read(p->fd, p->out + p->len, 4096);
	/* A pty master reads EIO once the child side is closed. */
	if (n <= 0)
		return n < 0 && errno == EINTR ? 0 : -ECHILD;
	p->len += n;
	p->out[p->len] = '\0';
	return 0;
}

long bench_proc_expect(struct bench_proc *p, size_t from, const char *needle, int timeout_ms)
{
	double end = bench_now() + timeout_ms / 1000.0;

	for (;;) {
		const char *hit = p->len > from ? strstr(p->out + from, needle) : NULL;
		int rc;

		if (hit != NULL)
			return hit - p->out;
		if (bench_interrupted)
			return -EINTR;
		if (bench_now() >= end)
			return -ETIMEDOUT;
		rc = read_some(p, 100);
		if (rc < 0)
			return rc;
	}
}

void bench_proc_stop(struct bench_proc *p, int sig, int timeout_ms)
{
	double end = bench_now() + timeout_ms / 1000.0;

	if (p->pid > 0) {
		kill(p->pid, sig);
		while (bench_proc_alive(p) && bench_now() < end) {
			/* Keep draining a pty so the child never blocks writing to it. */
			if (p->fd >= 0 && read_some(p, 50) == 0)
				continue;
			usleep(20000);
		}
		if (p->pid > 0) {
			kill(p->pid, SIGKILL);
			waitpid(p->pid, NULL, 0);
			track(p->pid, false);
			p->pid = 0;
		}
	}
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	free(p->out);
	p->out = NULL;
	p->len = p->cap = 0;
}

/*
 * The EAL leaves its runtime directory behind (config, fbarray files of
 * tens of MB): remove the one of a prefix we made up, once its process is
 * gone. The place is the EAL's: /var/run as root, else $XDG_RUNTIME_DIR or /tmp.
 */
void bench_proc_remove_runtime(const char *prefix)
{
	const char *base = getuid() == 0 ? "/var/run" : getenv("XDG_RUNTIME_DIR");
	char dir[PATH_MAX], path[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/dpdk/%s", base ? base : "/tmp", prefix);
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}
