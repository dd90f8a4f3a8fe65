// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <string.h>

#include "framegen.h"
#include "rng.h"

/*
 * Where the generator put each header, so mutations can aim at fields and at header
 * ends. After a mutation these are only good guesses, which is all they are for: the
 * expected verdict always comes from the model reading the final bytes.
 */
struct layout {
	int tags;		/* VLAN tags built */
	size_t type_at;		/* the EtherType field after the tags */
	int family;		/* 4, 6, or 0 when not IP */
	size_t l3;
	int n_ext;
	size_t ext[PKT_MAX_EXT];
	uint8_t ext_type[PKT_MAX_EXT];
	size_t ext_end;		/* first byte after the IPv6 extension chain */
	size_t l4, l4_end;	/* 0 when there is no TCP/UDP/ICMP header */
};

struct gen {
	struct rng rng;
	uint8_t *f;
	size_t len;
	struct layout at;
};

const uint16_t framegen_hot_ports[FRAMEGEN_HOT_PORTS] = {
	0, 1, 7, 22, 53, 80, 123, 443, 1023, 1024, 8080, 32768, 65535,
};

static uint32_t below(struct gen *g, uint32_t n)
{
	return rng_below(&g->rng, n);
}

static bool chance(struct gen *g, unsigned percent)
{
	return rng_percent(&g->rng, percent);
}

static void set8(struct gen *g, size_t off, unsigned v)
{
	if (off < g->len)
		g->f[off] = v;
}

static void set16(struct gen *g, size_t off, unsigned v)
{
	if (off + 2 <= g->len) {
		g->f[off] = v >> 8;
		g->f[off + 1] = v;
	}
}

static unsigned get8(const struct gen *g, size_t off)
{
	return off < g->len ? g->f[off] : 0;
}

/* ---- valid frames ------------------------------------------------------------ */

static uint16_t pick_port(struct gen *g)
{
	unsigned roll = below(g, 10);

	if (roll < 4)
		return RNG_PICK(&g->rng, framegen_hot_ports);
	if (roll < 6)
		return below(g, 1024);
	return below(g, 65536);
}

static uint8_t pick_ipv4_proto(struct gen *g)
{
	/* IPv6 extension numbers too: over IPv4 they are just protocols */
	static const uint8_t other[] = { 0, 2, 4, 41, 43, 44, 47, 50, 51, 58, 60, 132, 136, 255 };
	unsigned roll = below(g, 100);

	if (roll < 45)
		return IPPROTO_TCP;
	if (roll < 85)
		return IPPROTO_UDP;
	if (roll < 92)
		return IPPROTO_ICMP;
	return roll < 97 ? RNG_PICK(&g->rng, other) : below(g, 256);
}

/* What follows the extension chain. */
static uint8_t pick_ipv6_upper(struct gen *g)
{
	static const uint8_t other[] = { 59, 50, 51, 1, 4, 41, 132, 135, 139, 140, 253 };
	unsigned roll = below(g, 100);

	if (roll < 42)
		return IPPROTO_TCP;
	if (roll < 84)
		return IPPROTO_UDP;
	if (roll < 91)
		return IPPROTO_ICMPV6;
	return roll < 97 ? RNG_PICK(&g->rng, other) : below(g, 256);
}

static uint16_t pick_other_ethertype(struct gen *g)
{
	static const uint16_t types[] = { ETH_P_ARP, 0x88cc, 0x8847, 0x8848, 0x9100, 0x88e7,
					  0x0801, 0x07ff, 0x86dc, 0x86de, 0x8035, 0x0842,
					  ETH_P_8021Q, ETH_P_8021AD, 0x0000, 0xffff };

	return chance(g, 80) ? RNG_PICK(&g->rng, types) : below(g, 65536);
}

/* Chains of 0..10 headers, lengths mostly short; around the 8-header walk limit often. */
static void pick_ext_chain(struct gen *g, struct pkt_spec *s)
{
	static const uint8_t types[] = { IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS,
					 IPPROTO_FRAGMENT };

	s->n_ext = chance(g, 40) ? 0 : 1 + below(g, 10);
	if (s->n_ext && chance(g, 25))
		s->n_ext = 7 + below(g, 3);
	for (int i = 0; i < s->n_ext; i++) {
		unsigned roll = below(g, 100);

		s->ext[i] = RNG_PICK(&g->rng, types);
		s->ext_units[i] = roll < 70 ? 0 : roll < 92 ? 1 + below(g, 3) : below(g, 256);
	}
}

static void pick_fragment(struct gen *g, struct pkt_spec *s)
{
	s->more_fragments = chance(g, 50);
	if (chance(g, 50))
		s->frag_offset = 0;	/* first fragment: still filtered by port */
	else
		s->frag_offset = chance(g, 50) ? 1 + below(g, 8) : 1 + below(g, 0x1fff);
}

static size_t pick_payload(struct gen *g)
{
	unsigned roll = below(g, 100);

	return roll < 70 ? below(g, 64) : roll < 95 ? below(g, 600) : below(g, 1500);
}

static void record_layout(struct gen *g, const struct pkt_spec *s, const struct pkt *p)
{
	struct layout *at = &g->at;
	size_t off;

	memset(at, 0, sizeof(*at));
	at->tags = s->vlans;
	at->type_at = 12 + 4 * s->vlans;
	at->l3 = p->l3_off;
	at->family = s->ethertype == ETH_P_IP ? 4 : s->ethertype == ETH_P_IPV6 ? 6 : 0;
	if (at->family == 6) {
		off = at->l3 + 40;
		at->n_ext = s->n_ext;
		for (int i = 0; i < s->n_ext; i++) {
			at->ext[i] = off;
			at->ext_type[i] = s->ext[i];
			off += s->ext[i] == IPPROTO_FRAGMENT ? 8 : (s->ext_units[i] + 1) * 8;
		}
		at->ext_end = off;
	}
	if (at->family) {
		at->l4 = p->l4_off;
		at->l4_end = p->l4_end;
	}
}

static void build_valid(struct gen *g)
{
	struct pkt_spec s = { 0 };
	struct pkt p;
	unsigned roll = below(g, 100);

	s.vlans = roll < 50 ? 0 : roll < 72 ? 1 : roll < 94 ? 2 : 3;
	roll = below(g, 100);
	s.ethertype = roll < 45 ? ETH_P_IP : roll < 90 ? ETH_P_IPV6 : roll < 94 ? ETH_P_ARP :
		      pick_other_ethertype(g);
	s.sport = below(g, 65536);
	s.dport = pick_port(g);
	s.payload = pick_payload(g);
	if (s.ethertype == ETH_P_IP) {
		s.proto = pick_ipv4_proto(g);
		if (chance(g, 30))
			s.ip_options = 4 * below(g, 11);
		if (chance(g, 20))
			pick_fragment(g, &s);
	} else if (s.ethertype == ETH_P_IPV6) {
		s.proto = pick_ipv6_upper(g);
		pick_ext_chain(g, &s);
		pick_fragment(g, &s);	/* used only by fragment headers in the chain */
	}
	/* Too big for PKT_MAX: shrink the extension headers and the payload until it fits. */
	while (!pkt_build(&s, &p)) {
		for (int i = 0; i < s.n_ext; i++)
			s.ext_units[i] /= 2;
		s.payload /= 2;
	}
	memcpy(g->f, p.data, p.len);
	g->len = p.len;
	record_layout(g, &s, &p);

	/* 802.1ad and 802.1Q tags in any order, not only the textbook S-tag outside */
	for (int i = 0; i < s.vlans; i++)
		set16(g, 12 + 4 * i, chance(g, 50) ? ETH_P_8021Q : ETH_P_8021AD);
	if (s.ip_options && chance(g, 30))
		for (size_t i = g->at.l3 + 20; i < g->at.l3 + 20 + s.ip_options; i++)
			g->f[i] = below(g, 256);
}

/* ---- mutations --------------------------------------------------------------- */

/* A byte offset in the frame, mostly inside the headers. */
static size_t aim(struct gen *g)
{
	size_t headers = g->at.l4_end ? g->at.l4_end + 4 : g->at.l3 + 48;

	if (headers > g->len)
		headers = g->len;
	if (headers && chance(g, 70))
		return below(g, headers);
	return below(g, g->len);
}

static void shift_layout(struct gen *g, long delta)
{
	struct layout *at = &g->at;
	size_t *offs[] = { &at->type_at, &at->l3, &at->ext_end, &at->l4, &at->l4_end };

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		if (*offs[i])
			*offs[i] += delta;
	for (int i = 0; i < at->n_ext; i++)
		at->ext[i] += delta;
}

/* Header ends and starts, where off-by-one bounds checks live. */
static size_t pick_boundary(struct gen *g)
{
	const struct layout *at = &g->at;
	size_t b[24 + 3 * PKT_MAX_EXT];
	int n = 0;

	b[n++] = 14;
	for (int i = 0; i < at->tags && i < 8; i++)
		b[n++] = 18 + 4 * i;
	if (at->family == 4) {
		b[n++] = at->l3 + 20;
		b[n++] = at->l3 + (get8(g, at->l3) & 0xf) * 4;
	} else if (at->family == 6) {
		b[n++] = at->l3 + 40;
		for (int i = 0; i < at->n_ext; i++) {
			b[n++] = at->ext[i] + 2;
			b[n++] = at->ext[i] + 8;
			b[n++] = at->ext[i] + (get8(g, at->ext[i] + 1) + 1) * 8;
		}
	}
	if (at->l4) {
		b[n++] = at->l4 + 8;
		b[n++] = at->l4 + 20;
		b[n++] = at->l4_end;
	}
	b[n++] = g->len;
	return b[below(g, n)];
}

/* Cuts the frame, or pads it with junk, to `len` (within FRAMEGEN_MAX). */
static void resize(struct gen *g, size_t len)
{
	if (len > FRAMEGEN_MAX)
		return;
	while (g->len < len)
		g->f[g->len++] = below(g, 256);
	g->len = len;
}

/* Ends the frame just around a header end, where off-by-one bounds checks live;
 * past the current end too, which is how a header grown by a length field fits. */
static void resize_near_boundary(struct gen *g)
{
	static const int delta[] = { -2, -1, -1, 0, 0, 0, 1, 1, 2 };
	long len;

	if (chance(g, 20))
		len = below(g, g->len + 1);
	else
		len = (long)pick_boundary(g) + RNG_PICK(&g->rng, delta);
	/* Frames under an Ethernet header only exercise the test's skip path: few. */
	if (len < 14 && chance(g, 95))
		len = 14 + below(g, 4);
	if (len >= 0)
		resize(g, len);
}

static void append_junk(struct gen *g)
{
	size_t n = chance(g, 90) ? 1 + below(g, 64) : below(g, 600);

	if (g->len + n > FRAMEGEN_MAX)
		n = FRAMEGEN_MAX - g->len;
	for (size_t i = 0; i < n; i++)
		g->f[g->len++] = below(g, 256);
}

static void overwrite_byte(struct gen *g)
{
	static const uint8_t interesting[] = { 0x00, 0xff, 0x80, 0x7f, 0x01, 0x05, 0x06, 0x08,
					       0x11, 0x2b, 0x2c, 0x3c, 0x45, 0x60, 0x81, 0x86,
					       0x88, 0xa8, 0xdd };

	if (g->len)
		g->f[aim(g)] = chance(g, 60) ? RNG_PICK(&g->rng, interesting) : below(g, 256);
}

static void flip_bit(struct gen *g)
{
	if (g->len)
		g->f[aim(g)] ^= 1 << below(g, 8);
}

/* Insert a tag in front of the stack, or take the outer one off. */
static void restack_vlans(struct gen *g)
{
	if (chance(g, 50) && g->len + 4 <= FRAMEGEN_MAX && g->len >= 12) {
		memmove(g->f + 16, g->f + 12, g->len - 12);
		g->len += 4;
		set16(g, 12, chance(g, 50) ? ETH_P_8021Q : ETH_P_8021AD);
		set16(g, 14, below(g, 65536));
		shift_layout(g, 4);
		g->at.tags++;
	} else if (g->len >= 16) {
		memmove(g->f + 12, g->f + 16, g->len - 16);
		g->len -= 4;
		shift_layout(g, -4);
		if (g->at.tags)
			g->at.tags--;
	}
}

static void mutate_ethertype(struct gen *g)
{
	static const uint16_t types[] = { ETH_P_8021Q, ETH_P_8021AD, ETH_P_IP, ETH_P_IPV6,
					  ETH_P_ARP, 0x9100 };
	size_t at = 12 + 4 * below(g, g->at.tags + 1);

	set16(g, at, chance(g, 85) ? RNG_PICK(&g->rng, types) : below(g, 65536));
}

/* A length field set around `base`, the size of what it must cover. */
static unsigned length_near(struct gen *g, size_t base, size_t actual)
{
	static const int around[] = { -1, 0, 1, 7, 8, 9, 19, 20, 21 };
	unsigned roll = below(g, 100);

	if (roll < 60)
		return base + RNG_PICK(&g->rng, around);
	if (roll < 85)
		return actual + below(g, 3) - 1;
	return roll < 90 ? 0 : roll < 93 ? 0xffff : below(g, 65536);
}

static void mutate_ipv4(struct gen *g)
{
	static const uint8_t ihl[] = { 0, 1, 4, 4, 5, 5, 6, 7, 14, 15, 15 };
	static const uint8_t protos[] = { 6, 17, 1, 0, 44, 58 };
	size_t ip = g->at.l3;
	size_t header = (get8(g, ip) & 0xf) * 4;

	switch (below(g, 5)) {
	case 0:
		set8(g, ip, (get8(g, ip) & 0xf0) | RNG_PICK(&g->rng, ihl));
		break;
	case 1:
		set16(g, ip + 2, length_near(g, header, g->len - ip));
		break;
	case 2: {	/* flags (reserved, DF, MF) and offset */
		unsigned offsets[] = { 0, 0, 1, 2, 0x1fff, below(g, 0x2000) };

		set16(g, ip + 6, below(g, 8) << 13 | RNG_PICK(&g->rng, offsets));
		break;
	}
	case 3:
		set8(g, ip + 9, chance(g, 80) ? RNG_PICK(&g->rng, protos) : below(g, 256));
		break;
	default:	/* the version is not checked: any nibble must not matter */
		set8(g, ip, below(g, 16) << 4 | (get8(g, ip) & 0x0f));
		break;
	}
}

static void mutate_ipv6(struct gen *g)
{
	static const uint8_t nexts[] = { 0, 43, 60, 44, 6, 17, 58, 59, 50, 51, 135 };
	const struct layout *at = &g->at;
	size_t ip = at->l3, ext_total = at->ext_end - ip - 40;
	/* an extension header to aim at, the fragment ones preferably */
	int k = at->n_ext ? (int)below(g, at->n_ext) : -1;

	if (k >= 0 && chance(g, 50))
		for (int j = 0, start = k; j < at->n_ext; j++)
			if (at->ext_type[(start + j) % at->n_ext] == IPPROTO_FRAGMENT) {
				k = (start + j) % at->n_ext;
				break;
			}
	switch (below(g, 4)) {
	case 0:
		set16(g, ip + 4, length_near(g, ext_total, g->len - ip - 40));
		break;
	case 1:
		set8(g, k < 0 || chance(g, 30) ? ip + 6 : at->ext[k],
		     chance(g, 85) ? RNG_PICK(&g->rng, nexts) : below(g, 256));
		break;
	case 2:	/* Hdr Ext Len (for a fragment header: its reserved byte) */
		if (k >= 0) {
			unsigned cur = get8(g, at->ext[k] + 1);
			unsigned lens[] = { 0, 1, 2, 3, cur + 1, cur - 1, 255, below(g, 256) };
			unsigned units = RNG_PICK(&g->rng, lens) & 0xff;

			set8(g, at->ext[k] + 1, units);
			if (chance(g, 30))	/* and make the frame end right around it */
				resize(g, at->ext[k] + (units + 1) * 8 + below(g, 3) - 1);
		}
		break;
	default:	/* fragment offset, reserved bits, M */
		if (k >= 0) {
			unsigned offsets[] = { 0, 0, 1, 0x1fff, below(g, 0x2000) };

			set16(g, at->ext[k] + 2, RNG_PICK(&g->rng, offsets) << 3 | below(g, 8));
		}
		break;
	}
}

/* A header field chosen for where a parser makes decisions. */
static void mutate_field(struct gen *g)
{
	unsigned roll = below(g, 100);

	if (roll < 15 || !g->at.family)
		mutate_ethertype(g);
	else if (roll < 25 && g->at.l4)
		set16(g, g->at.l4 + 2, pick_port(g));
	else if (g->at.family == 4)
		mutate_ipv4(g);
	else
		mutate_ipv6(g);
}

static void mutate(struct gen *g)
{
	unsigned roll = below(g, 100);

	if (roll < 50)
		mutate_field(g);
	else if (roll < 70)
		resize_near_boundary(g);
	else if (roll < 80)
		flip_bit(g);
	else if (roll < 90)
		overwrite_byte(g);
	else if (roll < 95)
		append_junk(g);
	else
		restack_vlans(g);
}

size_t framegen_frame(uint64_t seed, uint64_t index, uint8_t *frame)
{
	struct gen g = { .f = frame };
	int mutations;

	rng_init(&g.rng, seed, FRAMEGEN_STREAM_FRAME, index);
	build_valid(&g);
	/* a third stay valid: they check classification and the port lookup itself */
	mutations = chance(&g, 35) ? 0 : 1 + below(&g, 4);
	for (int i = 0; i < mutations; i++)
		mutate(&g);
	return g.len;
}
