/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output: one line per run as it finishes, then the medians of the valid
 * runs per scenario and engine, and Virga's ratio to each reference, both
 * as the ratio of the medians and as the median of the per-round ratios
 * (runs of one round are seconds apart, so their ratio is the least
 * disturbed by whatever else the machine was doing).
 */
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

struct summary {
	unsigned int n, n_valid;
	double mpps, rx_mpps, tx_mpps, cycles, busy_cycles;
	double mpps_min, mpps_max;
};

const char *bench_engine_name(enum bench_engine e)
{
	switch (e) {
	case BENCH_TESTPMD_MACSWAP:
		return "testpmd-macswap";
	case BENCH_TESTPMD_IO:
		return "testpmd-io";
	case BENCH_OVS:
		return "ovs-dpdk";
	case BENCH_VIRGA:
		return "virga";
	default:
		return "?";
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The median of one field over the valid runs of (scenario, engine). */
static double median_of(const struct bench_result *rs, unsigned int n, const char *scenario,
                enum bench_engine e, size_t field)
{
	double v[BENCH_MAX_ROUNDS];
	unsigned int k = 0;

	for (unsigned int i = 0; i < n && k < BENCH_MAX_ROUNDS; i++) {
		if (rs[i].valid && rs[i].engine == e && strcmp(rs[i].scenario, scenario) == 0)
			v[k++] = *(const double *)((const char *)&rs[i] + field);
	}
	return median(v, k);
}

static struct summary summarize(const struct bench_result *rs, unsigned int n, const char *scenario,
                enum bench_engine e)
{
	struct summary s = {0};

	for (unsigned int i = 0; i < n; i++) {
		if (rs[i].engine != e || strcmp(rs[i].scenario, scenario) != 0)
			continue;
		s.n++;
		if (!rs[i].valid)
			continue;
		if (s.n_valid == 0 || rs[i].mpps < s.mpps_min)
			s.mpps_min = rs[i].mpps;
		if (rs[i].mpps > s.mpps_max)
			s.mpps_max = rs[i].mpps;
		s.n_valid++;
	}
	s.mpps = median_of(rs, n, scenario, e, offsetof(struct bench_result, mpps));
	s.rx_mpps = median_of(rs, n, scenario, e, offsetof(struct bench_result, rx_mpps));
	s.tx_mpps = median_of(rs, n, scenario, e, offsetof(struct bench_result, tx_mpps));
	s.cycles = median_of(rs, n, scenario, e, offsetof(struct bench_result, cycles_per_pkt));
	s.busy_cycles = median_of(
	                rs, n, scenario, e, offsetof(struct bench_result, busy_cycles_per_pkt));
	return s;
}

/* Median over rounds of virga.mpps / ref.mpps, rounds where both runs are valid. */
static double round_ratio(const struct bench_result *rs, unsigned int n, const char *scenario,
                enum bench_engine ref)
{
	double v[BENCH_MAX_ROUNDS];
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++) {
		const struct bench_result *virga = &rs[i];

		if (!virga->valid || virga->engine != BENCH_VIRGA ||
		                strcmp(virga->scenario, scenario) != 0)
			continue;
		for (unsigned int j = 0; j < n && k < BENCH_MAX_ROUNDS; j++) {
			if (rs[j].valid && rs[j].engine == ref && rs[j].round == virga->round &&
			                strcmp(rs[j].scenario, scenario) == 0 && rs[j].mpps > 0)
				v[k++] = virga->mpps / rs[j].mpps;
		}
	}
	return median(v, k);
}

void bench_report_run(const struct bench_opts *o, const struct bench_result *r)
{
	FILE *f = o->json ? stderr : stdout;

	fprintf(f, "round %-2u %-11s %-16s", r->round + 1, r->scenario,
	                bench_engine_name(r->engine));
	if (r->ran) {
		fprintf(f, " rx %6.2f  tx %6.2f Mpps  %6.1f cyc/pkt (busy %6.1f)", r->rx_mpps,
		                r->tx_mpps, r->cycles_per_pkt, r->busy_cycles_per_pkt);
		if (r->engine == BENCH_VIRGA && r->drops)
			fprintf(f, "  dropped %.0f%% (%s)",
			                r->worker_packets ? 100.0 * r->drops / r->worker_packets
			                                  : 0.0,
			                r->drops_by);
	}
	if (r->setup_seconds > 0)
		fprintf(f, "  setup %.1f s", r->setup_seconds);
	if (r->note[0] != '\0')
		fprintf(f, "  %s", r->note);
	fprintf(f, "\n");
	fflush(f);
}

static void print_table(const struct bench_opts *o, const struct bench_scenario *scs,
                unsigned int n_sc, const struct bench_result *rs, unsigned int n)
{
	printf("\nmedians over %u round(s) of %.1f s (valid runs only)\n\n", o->rounds, o->seconds);
	printf("%-11s %-16s %5s %9s %9s %15s %9s %9s\n", "scenario", "engine", "runs", "Mpps",
	                "rx Mpps", "Mpps min-max", "cyc/pkt", "busy c/p");
	for (unsigned int i = 0; i < n_sc; i++) {
		for (int e = 0; e < BENCH_ENGINE_MAX; e++) {
			struct summary s;
			char range[32], runs[16];

			if (!scs[i].engines[e])
				continue;
			s = summarize(rs, n, scs[i].name, e);
			snprintf(range, sizeof(range), "%.2f-%.2f", s.mpps_min, s.mpps_max);
			snprintf(runs, sizeof(runs), "%u/%u", s.n_valid, s.n);
			printf("%-11s %-16s %5s %9.2f %9.2f %15s %9.1f %9.1f\n", scs[i].name,
			                bench_engine_name(e), runs, s.mpps, s.rx_mpps, range,
			                s.cycles, s.busy_cycles);
		}
	}
	printf("\n");
	for (unsigned int i = 0; i < n_sc; i++) {
		double virga = summarize(rs, n, scs[i].name, BENCH_VIRGA).mpps;

		if (!scs[i].engines[BENCH_VIRGA])
			continue;
		for (int e = 0; e < BENCH_VIRGA; e++) {
			double ref;

			if (!scs[i].engines[e])
				continue;
			ref = summarize(rs, n, scs[i].name, e).mpps;
			/* No valid pair, no ratio: a 0% would read as a measurement. */
			if (ref <= 0 || virga <= 0) {
				printf("%-11s virga / %-16s n/a (no valid runs)\n", scs[i].name,
				                bench_engine_name(e));
				continue;
			}
			printf("%-11s virga / %-16s %5.1f%% (ratio of medians), %5.1f%% (median of "
			       "per-round ratios)\n",
			                scs[i].name, bench_engine_name(e), 100 * virga / ref,
			                100 * round_ratio(rs, n, scs[i].name, e));
		}
	}
	for (unsigned int i = 0; i < n_sc; i++)
		printf("%-11s %s\n", scs[i].name, scs[i].summary);
	/* Last, where the eye lands: what was left out of the medians, and why. */
	for (unsigned int i = 0; i < n; i++)
		if (!rs[i].valid)
			printf("NOT COUNTED: round %u %s %s: %s\n", rs[i].round + 1, rs[i].scenario,
			                bench_engine_name(rs[i].engine),
			                rs[i].note[0] ? rs[i].note : "did not run");
}

static json_t *result_json(const struct bench_result *r)
{
	return json_pack("{s:s, s:s, s:i, s:b, s:b, s:s, s:f, s:I, s:I, s:I, s:s, s:s, s:f, s:f, "
	                 "s:f, s:f, s:f, s:I, s:f}",
	                "scenario", r->scenario, "engine", bench_engine_name(r->engine), "round",
	                (int)r->round + 1, "ran", r->ran, "valid", r->valid, "note", r->note,
	                "seconds", r->seconds, "rx_packets", (json_int_t)r->rx, "tx_packets",
	                (json_int_t)r->tx, "dropped_packets", (json_int_t)r->drops, "top_drop",
	                r->top_drop, "drops_by", r->drops_by, "mpps", r->mpps, "rx_mpps",
	                r->rx_mpps, "tx_mpps", r->tx_mpps, "cycles_per_packet", r->cycles_per_pkt,
	                "busy_cycles_per_packet", r->busy_cycles_per_pkt, "tsc_hz",
	                (json_int_t)r->tsc_hz, "setup_seconds", r->setup_seconds);
}

/* "AMD EPYC": what the BENCHMARKS.md table names the machine by. */
static json_t *cpu_model(void)
{
	char line[256], *colon;
	FILE *f = fopen("/proc/cpuinfo", "r");
	json_t *model = NULL;

	while (f != NULL && model == NULL && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) == 0 && (colon = strchr(line, ':')) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			model = json_string(colon + 1 + strspn(colon + 1, " \t"));
		}
	}
	if (f != NULL)
		fclose(f);
	return model ? model : json_null();
}

static void print_json(const struct bench_opts *o, const struct bench_scenario *scs,
                unsigned int n_sc, const struct bench_result *rs, unsigned int n, int argc,
                char **argv)
{
	json_t *root = json_object(), *runs = json_array(), *med = json_array(),
	       *ratios = json_array(), *cmd = json_array();

	for (int i = 0; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(runs, result_json(&rs[i]));
	for (unsigned int i = 0; i < n_sc; i++) {
		double virga = summarize(rs, n, scs[i].name, BENCH_VIRGA).mpps;

		for (int e = 0; e < BENCH_ENGINE_MAX; e++) {
			struct summary s;

			if (!scs[i].engines[e])
				continue;
			s = summarize(rs, n, scs[i].name, e);
			json_array_append_new(med,
			                json_pack("{s:s, s:s, s:i, s:i, s:f, s:f, s:f, s:f, s:f}",
			                                "scenario", scs[i].name, "engine",
			                                bench_engine_name(e), "runs", (int)s.n,
			                                "valid_runs", (int)s.n_valid, "mpps",
			                                s.mpps, "rx_mpps", s.rx_mpps, "tx_mpps",
			                                s.tx_mpps, "cycles_per_packet", s.cycles,
			                                "busy_cycles_per_packet", s.busy_cycles));
			if (e == BENCH_VIRGA || !scs[i].engines[BENCH_VIRGA])
				continue;
			json_array_append_new(ratios,
			                json_pack("{s:s, s:s, s:f, s:f}", "scenario", scs[i].name,
			                                "reference", bench_engine_name(e),
			                                "ratio_of_medians",
			                                s.mpps > 0 ? virga / s.mpps : 0.0,
			                                "median_round_ratio",
			                                round_ratio(rs, n, scs[i].name, e)));
		}
	}
	json_object_set_new(root, "command", cmd);
	json_object_set_new(root, "rounds", json_integer(o->rounds));
	json_object_set_new(root, "seconds", json_real(o->seconds));
	json_object_set_new(root, "warmup_seconds", json_real(o->warmup));
	json_object_set_new(root, "flows", json_integer(o->flows));
	json_object_set_new(root, "nproc", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(root, "cpu", cpu_model());
	json_object_set_new(root, "dpdk_version", json_string(BENCH_DPDK_VERSION));
	json_object_set_new(root, "runs", runs);
	json_object_set_new(root, "medians", med);
	json_object_set_new(root, "ratios", ratios);
	json_dumpf(root, stdout, JSON_INDENT(2));
	printf("\n");
	json_decref(root);
}

void bench_report(const struct bench_opts *o, const struct bench_scenario *scenarios,
                unsigned int n_scenarios, const struct bench_result *results,
                unsigned int n_results, int argc, char **argv)
{
	if (o->json)
		print_json(o, scenarios, n_scenarios, results, n_results, argc, argv);
	else
		print_table(o, scenarios, n_scenarios, results, n_results);
}
