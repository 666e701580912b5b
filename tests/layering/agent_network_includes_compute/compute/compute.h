/* SPDX-License-Identifier: Apache-2.0 */
/* The compute half: includes common/ only. */
#include "common/log.h"
