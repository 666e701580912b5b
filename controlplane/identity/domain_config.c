/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Keystone's domain-specific configuration (/v3/domains/{id}/config): the
 * [identity] and [ldap] options a domain would run its own identity driver
 * with. Virga has one identity store and no LDAP driver, so a domain's
 * configuration is kept and shown and changes nothing, which is what
 * Keystone does with it while domain_specific_drivers_enabled is false.
 *
 * One row of kind "domain_config" per domain (id the domain's), holding
 * {"config": {group: {option: value}}}; deleted with the domain. Only the
 * options Keystone lists (DomainConfigManager's whitelisted and sensitive
 * ones) are taken, others are Keystone's 403 InvalidDomainConfig; the
 * sensitive one (ldap.password) is stored and never shown. The defaults
 * are keystone.conf's, as Keystone answers /v3/domains/config/default.
 * Admin only. Control threads; each call runs its own transaction.
 */
#include "identity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define KIND "domain_config"

struct dc_opt {
	const char *name;
	const char *dflt; /* JSON text; NULL: sensitive, stored but never shown */
};

static const struct dc_opt identity_opts[] = {
	{"driver", "\"sql\""},
	{"list_limit", "null"},
	{NULL, NULL},
};

static const struct dc_opt ldap_opts[] = {
	{"url", "\"ldap://localhost\""},
	{"user", "null"},
	{"password", NULL},
	{"suffix", "\"cn=example,cn=com\""},
	{"query_scope", "\"one\""},
	{"page_size", "0"},
	{"alias_dereferencing", "\"default\""},
	{"debug_level", "null"},
	{"chase_referrals", "null"},
	{"user_tree_dn", "null"},
	{"user_filter", "null"},
	{"user_objectclass", "\"inetOrgPerson\""},
	{"user_id_attribute", "\"cn\""},
	{"user_name_attribute", "\"sn\""},
	{"user_mail_attribute", "\"mail\""},
	{"user_description_attribute", "\"description\""},
	{"user_pass_attribute", "\"userPassword\""},
	{"user_enabled_attribute", "\"enabled\""},
	{"user_enabled_invert", "false"},
	{"user_enabled_mask", "0"},
	{"user_enabled_default", "\"True\""},
	{"user_attribute_ignore", "[\"default_project_id\"]"},
	{"user_default_project_id_attribute", "null"},
	{"user_enabled_emulation", "false"},
	{"user_enabled_emulation_dn", "null"},
	{"user_enabled_emulation_use_group_config", "false"},
	{"user_additional_attribute_mapping", "[]"},
	{"group_tree_dn", "null"},
	{"group_filter", "null"},
	{"group_objectclass", "\"groupOfNames\""},
	{"group_id_attribute", "\"cn\""},
	{"group_name_attribute", "\"ou\""},
	{"group_members_are_ids", "false"},
	{"group_member_attribute", "\"member\""},
	{"group_desc_attribute", "\"description\""},
	{"group_attribute_ignore", "[]"},
	{"group_additional_attribute_mapping", "[]"},
	{"tls_cacertfile", "null"},
	{"tls_cacertdir", "null"},
	{"use_tls", "false"},
	{"tls_req_cert", "\"demand\""},
	{"use_pool", "true"},
	{"pool_size", "10"},
	{"pool_retry_max", "3"},
	{"pool_retry_delay", "0.1"},
	{"pool_connection_timeout", "-1"},
	{"pool_connection_lifetime", "600"},
	{"use_auth_pool", "true"},
	{"auth_pool_size", "100"},
	{"auth_pool_connection_lifetime", "60"},
	{NULL, NULL},
};

static const struct dc_group {
	const char *name;
	const struct dc_opt *opts;
} groups[] = {{"identity", identity_opts}, {"ldap", ldap_opts}};

static const struct dc_group *group_of(const char *name)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strcmp(groups[i].name, name) == 0)
			return &groups[i];
	return NULL;
}

static const struct dc_opt *opt_of(const struct dc_group *g, const char *name)
{
	for (const struct dc_opt *o = g->opts; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static int invalid(struct cp_ctx *ctx, const char *reason)
{
	return cp_fail(&ctx->err, -EPERM, "Forbidden",
		"Invalid domain specific configuration: %s.", reason);
}

/* Keystone's _assert_valid_group_and_option: a group (and option) it serves. */
static int check_target(struct cp_ctx *ctx, const char *group, const char *option)
{
	const struct dc_group *g = group ? group_of(group) : NULL;
	char why[160];

	if (group && !g) {
		snprintf(why, sizeof(why),
			"Group %.40s is not supported for domain specific configurations", group);
		return invalid(ctx, why);
	}
	if (option && !opt_of(g, option)) {
		snprintf(why, sizeof(why),
			"Option %.40s in group %.40s is not supported for domain specific "
			"configurations", option, group);
		return invalid(ctx, why);
	}
	return 0;
}

/* Keystone's _assert_valid_config: groups of options, every one served. */
static int check_config(struct cp_ctx *ctx, const json_t *config)
{
	const char *group, *option;
	json_t *opts, *v;
	int rc;

	if (!json_is_object(config) || json_object_size(config) == 0)
		return invalid(ctx, "No options specified");
	json_object_foreach((json_t *)config, group, opts) {
		if (!json_is_object(opts) || json_object_size(opts) == 0)
			return invalid(ctx, "The value of a group specified in the config should "
					    "be a dictionary of options");
		json_object_foreach(opts, option, v)
			if ((rc = check_target(ctx, group, option)))
				return rc;
	}
	return 0;
}

/* config as shown: without the sensitive options (nor groups left empty). */
static json_t *shown(const json_t *config)
{
	json_t *out = json_object(), *opts, *v;
	const char *group, *option;

	json_object_foreach((json_t *)config, group, opts) {
		json_t *g = json_object();

		json_object_foreach(opts, option, v) {
			const struct dc_opt *o = group_of(group) ? opt_of(group_of(group), option) : NULL;

			if (o && o->dflt)
				json_object_set(g, option, v);
		}
		if (json_object_size(g))
			json_object_set_new(out, group, g);
		else
			json_decref(g);
	}
	return out;
}

static int not_found(struct cp_ctx *ctx, const char *domain_id, const char *group,
	const char *option)
{
	char what[128];

	if (option)
		snprintf(what, sizeof(what), "option %.40s in group %.40s", option, group);
	else if (group)
		snprintf(what, sizeof(what), "group %.40s", group);
	else
		snprintf(what, sizeof(what), "any options");
	return cp_fail(&ctx->err, -ENOENT, "Not Found",
		"Could not find %s in domain configuration for domain %s.", what, domain_id);
}

/* Inside a transaction: the domain's stored configuration (a new
 * reference, an empty object when it has none), or NULL with ctx->err set
 * when there is no such domain. */
static json_t *load(struct cp_ctx *ctx, const char *domain_id)
{
	json_t *d = cp_obj_get(ctx->db, "domain", domain_id), *row, *config;

	if (!d) {
		cp_fail(&ctx->err, -ENOENT, "Not Found", "Could not find domain: %s.", domain_id);
		return NULL;
	}
	json_decref(d);
	row = cp_obj_get(ctx->db, KIND, domain_id);
	config = json_object_get(row, "config");
	config = json_is_object(config) ? json_deep_copy(config) : json_object();
	json_decref(row);
	return config;
}

/* Inside a write transaction: stores config (an empty one deletes the row). */
static int store(struct cp_ctx *ctx, const char *domain_id, const json_t *config)
{
	json_t *row;
	int rc;

	if (json_object_size(config) == 0) {
		rc = cp_obj_del(ctx->db, KIND, domain_id);
		return rc == -ENOENT ? 0 : rc;
	}
	row = json_pack("{s:s, s:O}", "id", domain_id, "config", config);
	rc = cp_obj_put(ctx->db, KIND, row, NULL, NULL, false);
	json_decref(row);
	return rc;
}

static int admin_only(struct cp_ctx *ctx)
{
	return ctx->caller->is_admin ? 0
				     : cp_fail(&ctx->err, -EPERM, "Forbidden",
					       "You are not authorized to perform the requested action.");
}

/* The part of config that group/option name, as Keystone answers it:
 * {group: {...}} for a group, {option: value} for an option. NULL when
 * it is not there. */
static json_t *part(const json_t *config, const char *group, const char *option)
{
	json_t *all = shown(config), *g, *out = NULL;

	if (!group)
		out = json_object_size(all) ? json_incref(all) : NULL;
	else if ((g = json_object_get(all, group)) && !option)
		out = json_pack("{s:O}", group, g);
	else if (g && json_object_get(g, option))
		out = json_pack("{s:O}", option, json_object_get(g, option));
	json_decref(all);
	return out;
}

int cp_domain_config_get(struct cp_ctx *ctx, const char *domain_id, const char *group,
	const char *option, json_t **out)
{
	json_t *config;
	int rc = admin_only(ctx);

	*out = NULL;
	if (rc || (rc = check_target(ctx, group, option)))
		return rc;
	if (cp_db_begin(ctx->db, false))
		return -EIO;
	config = load(ctx, domain_id);
	cp_db_commit(ctx->db);
	if (!config)
		return ctx->err.code;
	*out = part(config, group, option);
	json_decref(config);
	return *out ? 0 : not_found(ctx, domain_id, group, option);
}

/* Runs change on the domain's configuration in a write transaction and
 * stores what it leaves; *out (when asked) is the whole configuration as
 * shown after. */
static int modify(struct cp_ctx *ctx, const char *domain_id,
	int (*change)(struct cp_ctx *, json_t *, const void *), const void *arg, json_t **out)
{
	json_t *config;
	int rc;

	if (cp_db_begin(ctx->db, true))
		return -EIO;
	config = load(ctx, domain_id);
	rc = config ? change(ctx, config, arg) : ctx->err.code;
	if (rc >= 0 && store(ctx, domain_id, config) != 0)
		rc = cp_fail(&ctx->err, -EIO, "Internal Server Error", "configuration not stored");
	if (rc < 0 || cp_db_commit(ctx->db)) {
		if (rc < 0)
			cp_db_rollback(ctx->db);
		json_decref(config);
		return rc < 0 ? rc : -EIO;
	}
	if (out)
		*out = shown(config);
	json_decref(config);
	return rc;
}

/* PUT: the configuration replaced; 1 when the domain had none. */
static int replace(struct cp_ctx *ctx, json_t *config, const void *arg)
{
	int had = json_object_size(config) > 0;

	(void)ctx;
	json_object_clear(config);
	json_object_update(config, (json_t *)arg);
	return had ? 0 : 1;
}

int cp_domain_config_put(struct cp_ctx *ctx, const char *domain_id, const json_t *config,
	json_t **out)
{
	int rc = admin_only(ctx);

	*out = NULL;
	if (rc || (rc = check_config(ctx, config)))
		return rc;
	return modify(ctx, domain_id, replace, config, out);
}

struct dc_update {
	const json_t *config; /* {group: {option: value}} */
	const char *domain_id, *group, *option;
};

/* PATCH: options merged in; a named group or option must be there already. */
static int merge(struct cp_ctx *ctx, json_t *config, const void *arg)
{
	const struct dc_update *u = arg;
	const char *group;
	json_t *opts, *g;

	if (u->group && (!(g = json_object_get(config, u->group)) ||
				(u->option && !json_object_get(g, u->option))))
		return not_found(ctx, u->domain_id, u->group, u->option);
	if (!u->group && json_object_size(config) == 0)
		return not_found(ctx, u->domain_id, NULL, NULL);
	json_object_foreach((json_t *)u->config, group, opts) {
		if (!json_object_get(config, group))
			json_object_set_new(config, group, json_object());
		json_object_update(json_object_get(config, group), opts);
	}
	return 0;
}

int cp_domain_config_update(struct cp_ctx *ctx, const char *domain_id, const char *group,
	const char *option, const json_t *config, json_t **out)
{
	struct dc_update u = {config, domain_id, group, option};
	json_t *wrapped = NULL;
	int rc = admin_only(ctx);

	*out = NULL;
	if (rc || (rc = check_target(ctx, group, option)))
		return rc;
	/* An option's body is {option: value}: Keystone puts it in its group. */
	if (option && json_is_object(config))
		u.config = wrapped = json_pack("{s:O}", group, config);
	rc = check_config(ctx, u.config);
	if (rc == 0 && group &&
		(json_object_size(u.config) != 1 || !json_object_get(u.config, group) ||
			(option && (json_object_size(json_object_get(u.config, group)) != 1 ||
					   !json_object_get(json_object_get(u.config, group),
						   option)))))
		rc = invalid(ctx, option ? "Trying to update an option, so that, and only that, "
					   "option must be specified in the config"
					 : "Trying to update a group, so that, and only that, group "
					   "must be specified in the config");
	if (rc == 0)
		rc = modify(ctx, domain_id, merge, &u, out);
	json_decref(wrapped);
	return rc;
}

/* DELETE: the whole configuration, a group or an option, which must be there. */
static int drop(struct cp_ctx *ctx, json_t *config, const void *arg)
{
	const struct dc_update *u = arg;
	json_t *g = u->group ? json_object_get(config, u->group) : NULL;

	if (!u->group) {
		if (json_object_size(config) == 0)
			return not_found(ctx, u->domain_id, NULL, NULL);
		json_object_clear(config);
	} else if (!g || (u->option && !json_object_get(g, u->option))) {
		return not_found(ctx, u->domain_id, u->group, u->option);
	} else if (u->option) {
		json_object_del(g, u->option);
		if (json_object_size(g) == 0)
			json_object_del(config, u->group);
	} else {
		json_object_del(config, u->group);
	}
	return 0;
}

int cp_domain_config_delete(struct cp_ctx *ctx, const char *domain_id, const char *group,
	const char *option)
{
	struct dc_update u = {NULL, domain_id, group, option};
	int rc = admin_only(ctx);

	if (rc || (rc = check_target(ctx, group, option)))
		return rc;
	rc = modify(ctx, domain_id, drop, &u, NULL);
	return rc < 0 ? rc : 0;
}

static json_t *group_defaults(const struct dc_group *g)
{
	json_t *out = json_object();

	for (const struct dc_opt *o = g->opts; o->name; o++)
		if (o->dflt)
			json_object_set_new(out, o->name, json_loads(o->dflt, JSON_DECODE_ANY, NULL));
	return out;
}

int cp_domain_config_default(struct cp_ctx *ctx, const char *group, const char *option,
	json_t **out)
{
	const struct dc_group *g;
	const struct dc_opt *o;
	int rc = admin_only(ctx);

	*out = NULL;
	if (rc || (rc = check_target(ctx, group, option)))
		return rc;
	g = group ? group_of(group) : NULL;
	if (option) {
		o = opt_of(g, option);
		if (!o->dflt)
			return invalid(ctx, "Reading the default of a sensitive option is not "
					    "supported");
		*out = json_object();
		json_object_set_new(*out, option, json_loads(o->dflt, JSON_DECODE_ANY, NULL));
	} else if (g) {
		*out = json_pack("{s:o}", group, group_defaults(g));
	} else {
		*out = json_object();
		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			json_object_set_new(*out, groups[i].name, group_defaults(&groups[i]));
	}
	return 0;
}

int cp_domain_config_forget(struct cp_ctx *ctx, const char *domain_id)
{
	int rc = cp_obj_del(ctx->db, KIND, domain_id);

	return rc == -ENOENT ? 0 : rc;
}
