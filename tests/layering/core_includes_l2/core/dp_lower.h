/* SPDX-License-Identifier: Apache-2.0 */
/* A core header that reaches up into l2/: check_core_includes.sh must refuse it. */
#include "dp_lower_neighbour.h"
#include "l2/dp_fdb.h"
