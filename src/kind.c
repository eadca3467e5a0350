#include "kind.h"

#include <string.h>

/* The one table of kinds: add a line here for a new kind_*.c. */
const struct kind *const kinds[] = {
	&kind_command,
	&kind_snapshot,
	&kind_table,
	&kind_report,
	NULL,
};

const struct kind *kind_find(const char *name)
{
	for (size_t i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}

bool kind_always_pure(const struct target *t)
{
	(void)t;
	return true;
}

char *kind_default_output(const struct target *t)
{
	return path_join("targets", t->name);
}
