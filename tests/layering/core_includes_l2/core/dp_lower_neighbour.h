/* SPDX-License-Identifier: Apache-2.0 */
/* A neighbour in core/: allowed. */
