/* SPDX-License-Identifier: Apache-2.0 */
#include "image_format.h"

#include <string.h>

static const char *const known[] = {
                "ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"};

bool cp_image_disk_format_known(const char *fmt)
{
	for (size_t i = 0; fmt && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(fmt, known[i]) == 0)
			return true;
	return false;
}

bool cp_image_format_matches(const char *fmt, const unsigned char *head, size_t len)
{
	if (strcmp(fmt, "qcow2") == 0) /* QEMU's qcow2 spec: "QFI\xfb" at offset 0 */
		return len >= 4 && memcmp(head, "QFI\xfb", 4) == 0;
	if (strcmp(fmt, "iso") == 0) /* ECMA-119 8.1: the volume descriptor's "CD001" */
		return len >= 32774 && memcmp(head + 32769, "CD001", 5) == 0;
	return true;
}
