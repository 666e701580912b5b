/* SPDX-License-Identifier: Apache-2.0 */
/* Which volume driver: see volume_driver.h. */
#include "volume_driver.h"

#include <stdio.h>
#include <string.h>

#define HOST_KEY "os-vol-host-attr:host"
#define HOST_PREFIX "virga@"

/* The first is the default backend. The rbd driver goes here when built. */
static const struct cp_volume_driver *const drivers[] = {
	&cp_volume_file_driver,
};

const struct cp_volume_driver *cp_volume_driver_named(const char *backend)
{
	if (backend == NULL || backend[0] == '\0')
		return drivers[0];
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (strcmp(drivers[i]->name, backend) == 0)
			return drivers[i];
	return NULL;
}

const struct cp_volume_driver *cp_volume_driver_for_type(const json_t *type)
{
	const json_t *specs = json_object_get(type, "extra_specs");

	return cp_volume_driver_named(json_string_value(json_object_get(specs, "volume_backend_name")));
}

const struct cp_volume_driver *cp_volume_driver_of(const json_t *volume)
{
	const char *host = json_string_value(json_object_get(volume, HOST_KEY)), *at, *pool;
	char backend[64];
	size_t n;

	if (host == NULL)
		return drivers[0];
	/* host@backend#pool: the backend is between '@' and '#' (or the end). */
	at = strchr(host, '@');
	if (at == NULL)
		return NULL;
	pool = strchr(at + 1, '#');
	n = pool ? (size_t)(pool - at - 1) : strlen(at + 1);
	if (n == 0 || n >= sizeof(backend))
		return NULL;
	memcpy(backend, at + 1, n);
	backend[n] = '\0';
	return cp_volume_driver_named(backend);
}

void cp_volume_driver_host(const struct cp_volume_driver *d, char *out, size_t len)
{
	snprintf(out, len, HOST_PREFIX "%s#%s", d->name, d->name);
}
