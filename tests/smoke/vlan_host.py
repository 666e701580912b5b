#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A host behind a VLAN trunk, for kernels without 802.1Q support.

Answers ARP requests and ICMP echo requests for its addresses, each on its
own VLAN, with the reply tagged like the request. Usage:
    vlan_host.py IFACE READY_FILE MAC VID:IP [VID:IP...]
"""
import sys

from scapy.all import ARP, Dot1Q, Ether, ICMP, IP, conf, sendp, sniff

iface, ready, mac = sys.argv[1], sys.argv[2], sys.argv[3]
addrs = {}
for arg in sys.argv[4:]:
    vid, ip = arg.split(":")
    addrs[(int(vid), ip)] = True

sock = conf.L2socket(iface=iface)


def answer(pkt):
    if Dot1Q not in pkt or pkt[Ether].src == mac:
        return
    vid = pkt[Dot1Q].vlan
    if ARP in pkt and pkt[ARP].op == 1 and (vid, pkt[ARP].pdst) in addrs:
        a = pkt[ARP]
        sock.send(Ether(src=mac, dst=a.hwsrc) / Dot1Q(vlan=vid) /
                  ARP(op=2, hwsrc=mac, psrc=a.pdst, hwdst=a.hwsrc, pdst=a.psrc))
    elif ICMP in pkt and pkt[ICMP].type == 8 and (vid, pkt[IP].dst) in addrs:
        ip = pkt[IP]
        reply = IP(src=ip.dst, dst=ip.src) / ICMP(type=0, id=pkt[ICMP].id, seq=pkt[ICMP].seq)
        reply = reply / bytes(pkt[ICMP].payload)
        sock.send(Ether(src=mac, dst=pkt[Ether].src) / Dot1Q(vlan=vid) / reply)


def started():
    open(ready, "w").close()


sniff(iface=iface, prn=answer, store=False, started_callback=started)
