/* SPDX-License-Identifier: Apache-2.0 */
#ifndef VIRGA_DP_PIPELINE_H
#define VIRGA_DP_PIPELINE_H

/* Start-up: registers every graph node of the pipeline, before graphs are created. */
int dp_pipeline_register(void);

#endif
