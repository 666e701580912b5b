/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include <rte_errno.h>

#include "dp_mbuf.h"

int dp_mbuf_meta_offset = -1;

int dp_mbuf_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "virga_meta",
		.size = sizeof(struct dp_mbuf_meta),
		.align = __alignof__(struct dp_mbuf_meta),
	};

	if (dp_mbuf_meta_offset >= 0)
		return 0;
	dp_mbuf_meta_offset = rte_mbuf_dynfield_register(&desc);
	return dp_mbuf_meta_offset < 0 ? -rte_errno : 0;
}
