/* SPDX-License-Identifier: Apache-2.0 */
/* virga-stagebench's paths out of the engine (outpaths.c): they print their figures. */
#ifndef VIRGA_STAGEBENCH_OUTPATHS_H
#define VIRGA_STAGEBENCH_OUTPATHS_H

#include <stdint.h>

void bench_encap(uint32_t n_frames, uint32_t passes);
void bench_flood(uint32_t n_frames, uint32_t passes);
/* snatpath.c */
void bench_snat(uint32_t n_frames, uint32_t passes);

#endif
