/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A server's libvirt domain, as XML.
 *
 * What a vhost-user NIC needs: the guest's memory shared (memfd) so the
 * engine can map the rings and buffers, and the NIC's socket in server mode,
 * QEMU listening: the engine is the vhost-user client and reconnects when a
 * VM reboots or QEMU restarts. libvirt 9.0 starts such a NIC without
 * wait=off, so QEMU waits for the engine before it runs the guest: the
 * engine's port must exist first (compute.c waits for it).
 *
 * The rest is what the tiny guest and any cloud image need: a virtio disk,
 * the config drive as an IDE CD-ROM (what Nova gives with
 * config_drive_format iso9660), the serial console into a file (the
 * console log the API shows), no graphics, no balloon. Only ids, MACs and
 * our own paths go into the XML, never a name a user chose: nothing to
 * escape.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/parse.h"
#include "common/state_dir.h"
#include "compute/compute.h"

bool ag_kvm_usable(void)
{
	char line[4096];
	bool flag = false;
	FILE *f;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	/* Some nested hosts have /dev/kvm without the CPU flag, and there a
	 * KVM guest hangs in its first instructions: TCG instead. */
	f = fopen("/proc/cpuinfo", "r");
	while (f != NULL && !flag && fgets(line, sizeof(line), f))
		if (strncmp(line, "flags", 5) == 0)
			flag = strstr(line, " vmx") != NULL || strstr(line, " svm") != NULL;
	if (f != NULL)
		fclose(f);
	return flag;
}

/* A MAC as the feed has it (aa:bb:cc:dd:ee:ff), checked: it goes into XML. */
static bool mac_ok(const char *mac)
{
	uint8_t bin[6];

	return mac != NULL && strlen(mac) == 17 && ag_parse_mac(mac, bin) == 0;
}

char *ag_domain_xml(const struct ag_server *s, const char *dir, bool kvm)
{
	char *buf = NULL, sock[DP_DEVARGS_LEN], tap[DP_PORT_NAME_LEN];
	size_t len = 0, i;
	const json_t *p;
	char *root = s->boot_volume ? ag_volume_boot_disk_xml(s) : NULL;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL || (s->boot_volume && root == NULL)) {
		if (f != NULL)
			fclose(f);
		free(buf);
		free(root);
		return NULL;
	}
	fprintf(f,
	                "<domain type='%s'>\n"
	                "  <name>virga-%s</name>\n"
	                "  <uuid>%s</uuid>\n"
	                "  <memory unit='MiB'>%lld</memory>\n"
	                "  <vcpu>%lld</vcpu>\n"
	                "  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>\n"
	                "  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>\n"
	                "  <features><acpi/></features>\n"
	                "%s"
	                "  <clock offset='utc'/>\n"
	                "  <on_poweroff>destroy</on_poweroff>\n"
	                "  <on_reboot>restart</on_reboot>\n"
	                "  <on_crash>destroy</on_crash>\n"
	                "  <devices>\n",
	                kvm ? "kvm" : "qemu", s->id, s->id, (long long)s->ram_mb,
	                (long long)s->vcpus, kvm ? "  <cpu mode='host-passthrough'/>\n" : "");
	/* The root disk: the image's overlay, or the volume the server boots from. */
	if (root != NULL)
		fprintf(f, "    %s\n", root);
	else
		fprintf(f,
		                "    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
		                "<source file='%s/disk.qcow2'/><target dev='vda' bus='virtio'/></disk>\n",
		                dir);
	free(root);
	fprintf(f,
	                "    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/>"
	                "<source file='%s/config.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>\n",
	                dir);
	json_array_foreach(s->ports, i, p)
	{
		const char *id = json_string_value(json_object_get(p, "port_id"));
		const char *mac = json_string_value(json_object_get(p, "mac_address"));

		if (id == NULL || !ag_is_uuid(id) || !mac_ok(mac))
			continue;
		snprintf(tap, sizeof(tap), "tap%.*s", AG_PORT_ID_CHARS, id);
		if (ag_vhost_socket(tap, sock, sizeof(sock)) < 0)
			continue;
		fprintf(f,
		                "    <interface type='vhostuser'><mac address='%s'/>"
		                "<source type='unix' path='%s' mode='server'/>"
		                "<model type='virtio'/></interface>\n",
		                mac, sock);
	}
	fprintf(f,
	                "    <serial type='file'><source path='%s/console.log'/><target port='0'/></serial>\n"
	                "    <console type='file'><source path='%s/console.log'/>"
	                "<target type='serial' port='0'/></console>\n"
	                "    <video><model type='none'/></video>\n"
	                "    <memballoon model='none'/>\n"
	                "  </devices>\n"
	                "</domain>\n",
	                dir, dir);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
