/* SPDX-License-Identifier: Apache-2.0 */
/* The ground floor: includes nothing of the agent. */
