/**
 * The guardrails every stack is held to at synth (lib/policy/policy-aspect.ts applies them). Each rule
 * reads a resource's Terraform arguments as azurerm will get them (snake_case, values possibly
 * unresolved `${...}` references) and returns what is wrong: the attribute, the value found and what
 * is required. A rule knows which resource types it covers; other types pass.
 */

export type Json = Record<string, any>;

export interface Violation {
  /** e.g. `shared_access_key_enabled`, `site_config.minimum_tls_version`. */
  readonly attribute: string;
  readonly found: unknown;
  readonly required: string;
}

export interface ResourceUnderCheck {
  readonly type: string;
  /** The resource's arguments as Terraform gets them. */
  readonly config: Json;
  /** Whether the resource type has a `tags` argument at all. */
  readonly taggable: boolean;
}

export interface PolicyContext {
  /** Tag keys every taggable resource must carry. */
  readonly requiredTags: readonly string[];
  /** The environment's network posture: `private` forbids public network access on data services. */
  readonly network: 'public' | 'private';
}

export interface Rule {
  readonly id: RuleId;
  /** One line for the README and `npm run policy`. */
  readonly enforces: string;
  check(resource: ResourceUnderCheck, context: PolicyContext): Violation[];
}

export type RuleId =
  'no-shared-keys' | 'tls-and-https' | 'role-scope-and-strength' | 'no-secrets-in-settings' | 'required-tags' | 'private-data-services';

/** `attribute` must equal `required` (a missing attribute is a violation: scanners and reviewers do not count provider defaults). */
function expectValue(config: Json, attribute: string, required: unknown, why: string): Violation[] {
  const found = attribute.split('.').reduce<any>((value, key) => value?.[key], config);
  return found === required ? [] : [{ attribute, found, required: `${JSON.stringify(required)} (${why})` }];
}

function expectOneOf(config: Json, attribute: string, allowed: readonly unknown[], why: string): Violation[] {
  const found = attribute.split('.').reduce<any>((value, key) => value?.[key], config);
  return allowed.includes(found)
    ? []
    : [{ attribute, found, required: `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')} (${why})` }];
}

const byType = (checks: Record<string, (config: Json) => Violation[]>) => (resource: ResourceUnderCheck) =>
  checks[resource.type]?.(resource.config) ?? [];

const FUNCTION_APPS = ['azurerm_linux_function_app', 'azurerm_windows_function_app', 'azurerm_function_app_flex_consumption'];

export const noSharedKeys: Rule = {
  id: 'no-shared-keys',
  enforces:
    'No shared-key, SAS or publishing-credential access: storage shared keys, Service Bus local auth, Application Insights and Log Analytics local auth, FTP/WebDeploy basic auth all off.',
  check: byType({
    azurerm_storage_account: (c) => expectValue(c, 'shared_access_key_enabled', false, 'only Entra ID principals may use the account'),
    azurerm_servicebus_namespace: (c) =>
      expectValue(c, 'local_auth_enabled', false, 'SAS keys off: only Entra ID data roles send and receive'),
    azurerm_application_insights: (c) =>
      expectValue(c, 'local_authentication_disabled', true, 'instrumentation-key ingestion refused: Entra ID only'),
    azurerm_log_analytics_workspace: (c) => expectValue(c, 'local_authentication_enabled', false, 'workspace keys refused'),
    ...Object.fromEntries(
      FUNCTION_APPS.map((type) => [
        type,
        (c: Json) => [
          ...expectValue(c, 'ftp_publish_basic_authentication_enabled', false, 'no publishing credentials'),
          ...expectValue(c, 'webdeploy_publish_basic_authentication_enabled', false, 'no publishing credentials'),
        ],
      ]),
    ),
  }),
};

const TLS_12_OR_ABOVE = ['1.2', '1.3'];

export const tlsAndHttps: Rule = {
  id: 'tls-and-https',
  enforces:
    'TLS 1.2 or higher and HTTPS only wherever the resource has the setting (storage, Service Bus, function apps and their SCM sites; FTPS off).',
  check: byType({
    azurerm_storage_account: (c) => [
      ...expectOneOf(c, 'min_tls_version', ['TLS1_2', 'TLS1_3'], 'TLS 1.2 or higher'),
      ...expectValue(c, 'https_traffic_only_enabled', true, 'HTTPS only'),
    ],
    azurerm_servicebus_namespace: (c) => expectOneOf(c, 'minimum_tls_version', TLS_12_OR_ABOVE, 'TLS 1.2 or higher'),
    ...Object.fromEntries(
      FUNCTION_APPS.filter((t) => t !== 'azurerm_function_app_flex_consumption').map((type) => [
        type,
        (c: Json) => [
          ...expectValue(c, 'https_only', true, 'HTTPS only'),
          ...expectOneOf(c, 'site_config.minimum_tls_version', TLS_12_OR_ABOVE, 'TLS 1.2 or higher'),
          ...expectOneOf(c, 'site_config.scm_minimum_tls_version', TLS_12_OR_ABOVE, 'TLS 1.2 or higher on the SCM site'),
          ...expectOneOf(c, 'site_config.ftps_state', ['Disabled'], 'no FTP'),
        ],
      ]),
    ),
  }),
};

/**
 * Microsoft's "privileged administrator roles" (Azure RBAC docs, "Privileged administrator roles"):
 * they manage resources or grant access at large. A workload identity never needs one.
 */
export const PRIVILEGED_ROLES = [
  'Owner',
  'Contributor',
  'User Access Administrator',
  'Role Based Access Control Administrator',
  'Reservations Administrator',
];

export const roleScopeAndStrength: Rule = {
  id: 'role-scope-and-strength',
  enforces:
    'No role assignment at subscription or management-group scope, and no privileged administrator role (Owner, Contributor, User Access Administrator, ...) for anyone.',
  check: byType({
    azurerm_role_assignment: (c) => {
      const violations: Violation[] = [];
      const scope = String(c.scope ?? '');
      const subscriptionWide =
        /^\/subscriptions\/[^/]+\/?$/i.test(scope) ||
        /^\/providers\/Microsoft\.Management\/managementGroups\//i.test(scope) ||
        /^\$\{data\.azurerm_(subscription|management_group)\.[^}]+\}$/.test(scope) ||
        scope === '/';
      if (subscriptionWide)
        violations.push({
          attribute: 'scope',
          found: scope,
          required: 'a resource, or at most a resource group, of this stack: no subscription or management-group scope',
        });
      if (PRIVILEGED_ROLES.includes(String(c.role_definition_name))) {
        violations.push({
          attribute: 'role_definition_name',
          found: c.role_definition_name,
          required: `a data or resource role, not a privileged administrator role (${PRIVILEGED_ROLES.join(', ')})`,
        });
      }
      return violations;
    },
  }),
};

/** What a key, a SAS or a connection string with a key looks like, in a literal or in a reference to one. */
const SECRET_LOOKING = [
  /AccountKey=/i,
  /SharedAccessKey(Name)?=/i,
  /[?&]sig=/i,
  /\.(primary|secondary)_(access_key|key|connection_string|blob_connection_string)\b/,
  /\.default_(primary|secondary)_(connection_string|key)\b/,
  /\.instrumentation_key\b/,
  /\.(connection_string|primary_connection_string)\b/,
];

function secretLooking(value: unknown): boolean {
  return typeof value === 'string' && SECRET_LOOKING.some((pattern) => pattern.test(value));
}

export const noSecretsInSettings: Rule = {
  id: 'no-secrets-in-settings',
  enforces:
    'Nothing that looks like a secret (account keys, SAS tokens, connection strings with keys, or references to them) in app settings.',
  check: (resource) => {
    if (!FUNCTION_APPS.includes(resource.type)) return [];
    return Object.entries((resource.config.app_settings ?? {}) as Record<string, unknown>)
      .filter(([, value]) => secretLooking(value))
      .map(([name, value]) => ({
        attribute: `app_settings.${name}`,
        found: value,
        required: 'a name, a URL or an identity: reach the resource with the app identity and a data role instead',
      }));
  },
};

/** The outputs rule is the same test applied to a stack's outputs (they are not resources). */
export function secretLookingOutputs(outputs: Record<string, { value?: unknown }>): Violation[] {
  return Object.entries(outputs)
    .filter(([, o]) => secretLooking(typeof o.value === 'string' ? o.value : JSON.stringify(o.value)))
    .map(([name, o]) => ({
      attribute: `output.${name}`,
      found: o.value,
      required: 'no key, SAS or connection string in outputs (they land in state and CI logs)',
    }));
}

export const requiredTags: Rule = {
  id: 'required-tags',
  enforces: 'Every resource that takes tags carries the tag keys every resource must carry (workload, environment, managed-by).',
  check: (resource, context) => {
    if (!resource.taggable) return [];
    const tags = (resource.config.tags ?? {}) as Record<string, unknown>;
    const missing = context.requiredTags.filter((key) => !(key in tags));
    return missing.length === 0
      ? []
      : [
          {
            attribute: 'tags',
            found: Object.keys(tags),
            required: `the keys ${context.requiredTags.join(', ')} (missing: ${missing.join(', ')})`,
          },
        ];
  },
};

/**
 * In a private environment the data services take no connection from the internet: storage accounts
 * and Service Bus namespaces have public network access off, and a namespace's `network_rule_set`, if
 * one is ever written, does not turn it back on (its own flag defaults to true, azurerm #31059). A
 * resource that must stay public (the package account) is exempted by name, with its reason.
 */
export const privateDataServices: Rule = {
  id: 'private-data-services',
  enforces:
    'In a private environment, no public network access on data services (storage accounts, Service Bus namespaces); exemptions name the resource and why.',
  check: (resource, context) => {
    if (context.network !== 'private') return [];
    const why = 'the environment is private: only its private endpoints may reach the data';
    return byType({
      azurerm_storage_account: (c) => expectValue(c, 'public_network_access_enabled', false, why),
      azurerm_servicebus_namespace: (c) => [
        ...expectValue(c, 'public_network_access_enabled', false, why),
        ...(c.network_rule_set === undefined
          ? []
          : expectValue(c, 'network_rule_set.public_network_access_enabled', false, `${why}; the block's own flag defaults to true`)),
      ],
    })(resource);
  },
};

export const RULES: readonly Rule[] = [
  noSharedKeys,
  tlsAndHttps,
  roleScopeAndStrength,
  noSecretsInSettings,
  requiredTags,
  privateDataServices,
];
