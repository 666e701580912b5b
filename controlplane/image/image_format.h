/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which disk formats an image may declare, and whether an upload's first
 * bytes agree with the declared one. Glance accepts what it is told; Virga
 * refuses a qcow2 or iso that is not one (400, the image stays queued), so
 * a VM is never booted from a file its format driver cannot read. Formats
 * without a magic number (raw, vhd, vmdk, vdi, ami, ari, aki) pass. Pure.
 */
#ifndef CP_IMAGE_FORMAT_H
#define CP_IMAGE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

/* The ISO9660 signature sits at 32769 (sector 16 + 1): the sniffer needs
 * this many bytes before it can judge an iso. */
#define CP_IMAGE_SNIFF_LEN 32774u

/* Whether fmt is a disk_format Glance knows. */
bool cp_image_disk_format_known(const char *fmt);
/* Whether the first len bytes (len is the whole file when shorter than
 * CP_IMAGE_SNIFF_LEN) are what fmt says. */
bool cp_image_format_matches(const char *fmt, const unsigned char *head, size_t len);

#endif
