/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The frames of the l2-vlan scenario, written as classic pcap files (the
 * format is a 24-byte header then a 16-byte header per record; no libpcap
 * needed to write it).
 *
 * Remote station i (MAC 02:52:00:00:HH:LL, IP 10.100.16.0 + i) talks to the
 * VM (02:56:4d:00:00:01, 10.100.0.2) over UDP. From the uplink the frames
 * carry the VLAN 100 tag: 64 bytes as the pcap stores them (FCS-less), i.e.
 * a minimal 60-byte frame plus the 4-byte tag. From the VM they are untagged:
 * 60 bytes. Forwarding pops or pushes the tag, so both directions leave at
 * the size the other side sends. Every frame has a different remote MAC, so
 * the MAC table really has `flows` stations to learn and look up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define PCAP_MAGIC 0xa1b2c3d4u
#define PCAP_LINKTYPE_ETHERNET 1
#define FRAME_LEN BENCH_FRAME_LEN
#define VLAN_TAG_LEN 4
#define ETH_HDR_LEN 14
#define IP_HDR_LEN 20
#define UDP_HDR_LEN 8

const uint8_t bench_vm_mac[6] = {0x02, 0x56, 0x4d, 0x00, 0x00, 0x01};
const uint8_t bench_vm_ip[4] = {10, 100, 0, 2};

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_hdr {
	uint32_t ts_sec, ts_usec, incl_len, orig_len;
};

void bench_remote_mac(unsigned int i, uint8_t mac[6])
{
	const uint8_t m[6] = {0x02, 0x52, 0x00, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};

	memcpy(mac, m, 6);
}

void bench_remote_ip(unsigned int i, uint8_t ip[4])
{
	uint32_t a = (10u << 24 | 100u << 16 | 16u << 8) + i;

	ip[0] = a >> 24;
	ip[1] = a >> 16;
	ip[2] = a >> 8;
	ip[3] = a;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* RFC 1071 checksum of the IPv4 header. */
void bench_dip_20_8(uint64_t *s, uint8_t dip[4])
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	dip[0] = 20;
	dip[1] = (uint8_t)(*s >> 8);
	dip[2] = (uint8_t)(*s >> 16);
	dip[3] = (uint8_t)(*s >> 24);
}

uint16_t bench_ip_checksum(const uint8_t *h, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)h[i] << 8 | h[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* Builds one frame into buf, returns its length. vlan 0 means untagged. */
size_t bench_build_udp(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t vlan,
                const uint8_t sip[4], const uint8_t dip[4], uint16_t sport)
{
	size_t l2 = ETH_HDR_LEN + (vlan ? VLAN_TAG_LEN : 0);
	size_t len = FRAME_LEN + (vlan ? VLAN_TAG_LEN : 0);
	uint8_t *ip = buf + l2, *udp = ip + IP_HDR_LEN;

	memset(buf, 0, len);
	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	if (vlan) {
		put16(buf + 12, 0x8100);
		put16(buf + 14, vlan);
	}
	put16(buf + l2 - 2, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, FRAME_LEN - ETH_HDR_LEN);
	ip[8] = 64;
	ip[9] = 17; /* UDP */
	memcpy(ip + 12, sip, 4);
	memcpy(ip + 16, dip, 4);
	put16(ip + 10, bench_ip_checksum(ip, IP_HDR_LEN));
	put16(udp, sport);
	put16(udp + 2, 5001);
	put16(udp + 4, FRAME_LEN - ETH_HDR_LEN - IP_HDR_LEN);
	/* UDP checksum 0: "none" (RFC 768); nothing on the path verifies it. */
	return len;
}

int bench_pcap_write(FILE *f, const uint8_t *frame, size_t len, unsigned int i)
{
	struct pcap_rec_hdr r = {
	                .ts_sec = i / 1000000,
	                .ts_usec = i % 1000000,
	                .incl_len = len,
	                .orig_len = len,
	};

	if (fwrite(&r, sizeof(r), 1, f) != 1 || fwrite(frame, len, 1, f) != 1)
		return -EIO;
	return 0;
}

FILE *bench_pcap_open(const char *path)
{
	const struct pcap_file_hdr h = {
	                .magic = PCAP_MAGIC,
	                .major = 2,
	                .minor = 4,
	                .snaplen = 65535,
	                .linktype = PCAP_LINKTYPE_ETHERNET,
	};
	FILE *f = fopen(path, "wb");

	if (f != NULL && fwrite(&h, sizeof(h), 1, f) != 1) {
		fclose(f);
		errno = EIO;
		return NULL;
	}
	return f;
}

int bench_pcap_close(FILE *f)
{
	return fclose(f) == 0 ? 0 : -EIO;
}

int bench_write_idle(const char *path)
{
	/* From a station nobody knows to another: dropped or flooded once, by either
	 * engine, then the device has nothing more to give. */
	const uint8_t dst[6] = {0x02, 0x49, 0x44, 0x4c, 0x45, 0x02};
	const uint8_t src[6] = {0x02, 0x49, 0x44, 0x4c, 0x45, 0x01};
	const uint8_t sip[4] = {192, 0, 2, 1}, dip[4] = {192, 0, 2, 2};
	uint8_t frame[FRAME_LEN];
	FILE *f = bench_pcap_open(path);
	int rc;

	if (f == NULL)
		return -errno;
	rc = bench_pcap_write(f, frame, bench_build_udp(frame, dst, src, 0, sip, dip, 9), 0);
	if (bench_pcap_close(f) < 0 && rc == 0)
		rc = -EIO;
	return rc;
}

int bench_write_frames(const char *up_path, const char *vm_path, unsigned int flows)
{
	FILE *up = bench_pcap_open(up_path), *vm = bench_pcap_open(vm_path);
	uint8_t frame[FRAME_LEN + VLAN_TAG_LEN];
	int rc = 0;

	if (up == NULL || vm == NULL) {
		rc = -errno;
		goto out;
	}
	for (unsigned int i = 0; i < flows && rc == 0; i++) {
		uint8_t mac[6], ip[4];
		uint16_t sport = 1024 + i % 60000;
		size_t len;

		bench_remote_mac(i, mac);
		bench_remote_ip(i, ip);
		len = bench_build_udp(
		                frame, bench_vm_mac, mac, BENCH_VLAN_ID, ip, bench_vm_ip, sport);
		rc = bench_pcap_write(up, frame, len, i);
		if (rc == 0) {
			len = bench_build_udp(frame, mac, bench_vm_mac, 0, bench_vm_ip, ip, sport);
			rc = bench_pcap_write(vm, frame, len, i);
		}
	}
out:
	if (up != NULL && fclose(up) != 0 && rc == 0)
		rc = -EIO;
	if (vm != NULL && fclose(vm) != 0 && rc == 0)
		rc = -EIO;
	return rc;
}
