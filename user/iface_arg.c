// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <net/if.h>
#include <string.h>

#include "caps.h"
#include "errors.h"
#include "iface_arg.h"

int iface_arg_privileges(const char *what)
{
	const char *missing = caps_missing(true);

	return missing ? fail(EXIT_FAIL, what, PRIVILEGES_MISSING, missing) : 0;
}

int iface_arg_valid(const char *name, const char *what)
{
	if (!name[0])
		return fail(EXIT_USAGE, what, "an interface name cannot be empty");
	if (strlen(name) >= IF_NAMESIZE)
		return fail(EXIT_USAGE, what, "'%s' is too long to be an interface name (%d bytes "
			    "at most)", name, IF_NAMESIZE - 1);
	if (!strcmp(name, ".") || !strcmp(name, "..") || strpbrk(name, "/: \t\n\v\f\r"))
		return fail(EXIT_USAGE, what, "'%s' cannot be an interface name (no '/', ':' or "
			    "spaces; not . or ..)", name);
	return 0;
}

int iface_arg_unknown(const char *name, const char *what)
{
	return fail(EXIT_FAIL, what, "no interface named '%s' in this network namespace", name);
}

int iface_arg_index(const char *name, const char *what)
{
	int ifindex = if_nametoindex(name);

	if (!ifindex)
		iface_arg_unknown(name, what);
	return ifindex;
}
