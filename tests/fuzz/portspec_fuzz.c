// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target for PORTSPEC parsing (user/portspec.c). The input is one command
 * line argument: anything up to its first NUL. A parse either fails with a reason
 * or yields ranges the rest of the CLI can trust.
 */
#include <linux/types.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portspec.h"
#include "xdpport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char arg[512], why[128] = "";
	struct portspec ps;

	if (size >= sizeof(arg))
		size = sizeof(arg) - 1;
	memcpy(arg, data, size);
	arg[size] = '\0';

	if (portspec_parse(arg, &ps, why, sizeof(why))) {
		if (why[0] == '\0')
			abort();	/* every failure says why */
		return 0;
	}
	if (ps.n < 1 || ps.n > 2)
		abort();
	for (int i = 0; i < ps.n; i++) {
		const struct port_range *r = &ps.range[i];

		if (r->first > r->last || !r->protos || (r->protos & ~PROTOS_ALL))
			abort();
	}
	return 0;
}
