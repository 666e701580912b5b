/* SPDX-License-Identifier: Apache-2.0 */
/* A network header, which common/ must not include. */
