/* SPDX-License-Identifier: Apache-2.0 */
#include "dp_log.h"

RTE_LOG_REGISTER(dp_logtype, virga.dataplane, INFO);
