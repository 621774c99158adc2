import * as fs from 'node:fs';
import * as path from 'node:path';
import { environments } from '../../lib/config/environments';
import { PROJECT_ROOT, resourcesOf, synthEnvironment, type TerraformJson } from '../helpers/synth';

/**
 * Platform teams scan the synthesized JSON with `checkov --config-file .checkov.yaml`. Checkov needs
 * Python packages this machine cannot install, so these are the pass conditions of every Checkov
 * 3.3.13 check that applies to our resource types, as read in its source (notes in the README's
 * "Security scan" section). Each must pass on every resource, or be a documented exception in
 * .checkov.yaml. Scanners do not count provider defaults, so a missing attribute fails where the
 * check says so.
 */

/** `tf` and the resource's logical id, for graph checks (a connection is a reference to the resource in another one). */
type Graph = { tf: TerraformJson; ref: string };
type Check = { id: string; type: string; passes: (r: Record<string, any>, graph: Graph) => boolean };

const isFalse = (v: unknown) => v === false;
/** Checkov's graph "connection exists": some resource of the given types references this one. */
const connected = (graph: Graph, types: string[]) =>
  types.some((type) => Object.values(resourcesOf(graph.tf, type)).some((r) => JSON.stringify(r).includes(`\${${graph.ref}.`)));
/** NSGRulePortAccessRestricted (CKV_AZURE_9, 10, 160): an inbound Allow rule for the port from the internet fails. */
const INTERNET = ['*', '0.0.0.0', '<nw>/0', '/0', 'internet', 'any'];
const opensToInternet = (r: Record<string, any>, port: number | 'udp') => {
  const fromInternet =
    INTERNET.includes(String(r.source_address_prefix ?? '').toLowerCase()) ||
    (r.source_address_prefixes ?? []).some((p: string) => INTERNET.includes(p.toLowerCase()));
  if (r.access?.toLowerCase() !== 'allow' || r.direction?.toLowerCase() !== 'inbound' || !fromInternet) return false;
  if (port === 'udp') return r.protocol?.toLowerCase() === 'udp';
  const inRange = (range: string) =>
    range === '*' ||
    range === String(port) ||
    (/^\d+-\d+$/.test(range) && Number(range.split('-')[0]) <= port && port <= Number(range.split('-')[1]));
  return (
    ['tcp', '*'].includes(r.protocol?.toLowerCase()) &&
    [r.destination_port_range, ...(r.destination_port_ranges ?? [])].filter(Boolean).some(inRange)
  );
};
/** The NSG port checks read inline rules of a group, or a standalone rule. */
const nsgCheck = (id: string, port: number | 'udp'): Check[] =>
  ['azurerm_network_security_group', 'azurerm_network_security_rule'].map((type) => ({
    id,
    type,
    passes: (r) => !(r.security_rule ?? [r]).some((rule: Record<string, any>) => opensToInternet(rule, port)),
  }));
const CHECKS: Check[] = [
  // azurerm_storage_account
  {
    id: 'CKV_AZURE_3',
    type: 'azurerm_storage_account',
    passes: (r) => r.enable_https_traffic_only === undefined || r.enable_https_traffic_only === true,
  },
  {
    id: 'CKV_AZURE_35',
    type: 'azurerm_storage_account',
    passes: (r) => r.network_rules === undefined || r.network_rules.default_action === 'Deny',
  },
  {
    id: 'CKV_AZURE_36',
    type: 'azurerm_storage_account',
    passes: (r) =>
      r.network_rules === undefined ||
      r.network_rules.default_action === 'Allow' ||
      (r.network_rules.bypass ?? []).includes('AzureServices'),
  },
  { id: 'CKV_AZURE_43', type: 'azurerm_storage_account', passes: (r) => /^[a-z0-9]{3,24}$/.test(r.name) },
  { id: 'CKV_AZURE_44', type: 'azurerm_storage_account', passes: (r) => ['TLS1_2', 'TLS1_3'].includes(r.min_tls_version) },
  { id: 'CKV_AZURE_59', type: 'azurerm_storage_account', passes: (r) => isFalse(r.public_network_access_enabled) },
  { id: 'CKV_AZURE_190', type: 'azurerm_storage_account', passes: (r) => isFalse(r.allow_nested_items_to_be_public) },
  {
    id: 'CKV_AZURE_206',
    type: 'azurerm_storage_account',
    passes: (r) => ['GRS', 'RAGRS', 'GZRS', 'RAGZRS'].includes(r.account_replication_type),
  },
  {
    id: 'CKV_AZURE_244',
    type: 'azurerm_storage_account',
    passes: (r) => isFalse(r.local_user_enabled) || (r.local_user_enabled === undefined && r.is_hns_enabled === undefined),
  },
  {
    id: 'CKV_AZURE_33',
    type: 'azurerm_storage_account',
    passes: (r) => ['read', 'write', 'delete'].every((k) => r.queue_properties?.logging?.[k] === true),
  },
  { id: 'CKV2_AZURE_1', type: 'azurerm_storage_account', passes: (r) => r.customer_managed_key?.key_vault_key_id !== undefined },
  { id: 'CKV2_AZURE_33', type: 'azurerm_storage_account', passes: (_, graph) => connected(graph, ['azurerm_private_endpoint']) },
  {
    id: 'CKV2_AZURE_38',
    type: 'azurerm_storage_account',
    passes: (r) => (r.blob_properties?.delete_retention_policy?.days ?? 0) > 0 && r.account_kind !== 'FileStorage',
  },
  { id: 'CKV2_AZURE_40', type: 'azurerm_storage_account', passes: (r) => isFalse(r.shared_access_key_enabled) },
  {
    id: 'CKV2_AZURE_41',
    type: 'azurerm_storage_account',
    passes: (r) => isFalse(r.shared_access_key_enabled) || r.sas_policy?.expiration_period !== undefined,
  },
  { id: 'CKV2_AZURE_47', type: 'azurerm_storage_account', passes: (r) => isFalse(r.allow_nested_items_to_be_public) },
  // azurerm_storage_container
  {
    id: 'CKV_AZURE_34',
    type: 'azurerm_storage_container',
    passes: (r) => r.container_access_type === undefined || r.container_access_type === 'private',
  },
  {
    id: 'CKV2_AZURE_8',
    type: 'azurerm_storage_container',
    passes: (r) => r.container_access_type === undefined || r.container_access_type === 'private',
  },
  {
    id: 'CKV2_AZURE_21',
    type: 'azurerm_storage_container',
    passes: () => false /* needs azurerm_log_analytics_storage_insights, which needs an account key */,
  },
  // azurerm_service_plan
  { id: 'CKV_AZURE_211', type: 'azurerm_service_plan', passes: (r) => !['B1', 'B2', 'B3', 'F1', 'D1'].includes(r.sku_name) },
  { id: 'CKV_AZURE_212', type: 'azurerm_service_plan', passes: (r) => Number.isInteger(r.worker_count) && r.worker_count > 1 },
  { id: 'CKV_AZURE_225', type: 'azurerm_service_plan', passes: (r) => r.zone_balancing_enabled === true },
  // azurerm_linux_function_app
  {
    id: 'CKV_AZURE_70',
    type: 'azurerm_linux_function_app',
    passes: (r) => r.https_only === true && r.auth_settings_v2?.require_https !== false,
  },
  { id: 'CKV_AZURE_72', type: 'azurerm_linux_function_app', passes: (r) => r.site_config?.remote_debugging_enabled !== true },
  {
    id: 'CKV_AZURE_145',
    type: 'azurerm_linux_function_app',
    passes: (r) => ['1.2', '1.3'].includes(r.site_config?.minimum_tls_version ?? '1.2'),
  },
  { id: 'CKV_AZURE_221', type: 'azurerm_linux_function_app', passes: (r) => isFalse(r.public_network_access_enabled) },
  // azurerm_servicebus_namespace
  {
    id: 'CKV_AZURE_199',
    type: 'azurerm_servicebus_namespace',
    passes: (r) => r.customer_managed_key?.infrastructure_encryption_enabled === true,
  },
  { id: 'CKV_AZURE_201', type: 'azurerm_servicebus_namespace', passes: (r) => r.customer_managed_key?.key_vault_key_id !== undefined },
  { id: 'CKV_AZURE_202', type: 'azurerm_servicebus_namespace', passes: (r) => Boolean(r.identity?.type) },
  { id: 'CKV_AZURE_203', type: 'azurerm_servicebus_namespace', passes: (r) => isFalse(r.local_auth_enabled) },
  { id: 'CKV_AZURE_204', type: 'azurerm_servicebus_namespace', passes: (r) => isFalse(r.public_network_access_enabled) },
  { id: 'CKV_AZURE_205', type: 'azurerm_servicebus_namespace', passes: (r) => r.minimum_tls_version === '1.2' },
  // azurerm_virtual_network, azurerm_subnet, NSGs (private environments only)
  { id: 'CKV_AZURE_182', type: 'azurerm_virtual_network', passes: (r) => (r.dns_servers ?? []).length !== 1 },
  // Simplified: any custom DNS server fails here (Checkov passes one inside the address space); the stack sets none.
  { id: 'CKV_AZURE_183', type: 'azurerm_virtual_network', passes: (r) => (r.dns_servers ?? []).length === 0 },
  {
    id: 'CKV2_AZURE_31',
    type: 'azurerm_subnet',
    passes: (r, graph) =>
      connected(graph, ['azurerm_network_security_group', 'azurerm_subnet_network_security_group_association']) ||
      ['gatewaysubnet', 'azurefirewallsubnet'].includes(String(r.name).toLowerCase()) ||
      (r.delegation ?? []).some((d: any) => String(d.service_delegation?.name).toLowerCase() === 'microsoft.netapp/volumes'),
  },
  ...nsgCheck('CKV_AZURE_9', 3389),
  ...nsgCheck('CKV_AZURE_10', 22),
  ...nsgCheck('CKV_AZURE_160', 80),
  ...nsgCheck('CKV_AZURE_77', 'udp'),
];

/**
 * `skip-check` entries of .checkov.yaml: an id, optionally limited to files matching a regex. Checkov
 * skips a check per file at most; an entry whose comment reads `resource: <construct path suffix>`
 * is held here to that resource, so a per-file skip cannot hide another resource failing the check.
 */
function exceptions(): Array<{ id: string; pathPattern?: RegExp; resource?: string }> {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, '.checkov.yaml'), 'utf8');
  const section = text.split(/^skip-check:\s*$/m)[1] ?? '';
  return [...section.matchAll(/^\s+-\s+([A-Z0-9_]+)(?::(\S+))?[ \t]*(?:#[ \t]*resource:[ \t]*(\S+))?/gm)].map(
    ([, id, pattern, resource]) => ({
      id,
      pathPattern: pattern ? new RegExp(pattern) : undefined,
      resource,
    }),
  );
}

/** The entries that excuse a failing resource (by its construct path) of a stack file. */
function exceptionsFor(id: string, stackFile: string, resourcePath: string) {
  return exceptions().filter(
    (e) => e.id === id && (!e.pathPattern || e.pathPattern.test(stackFile)) && (!e.resource || resourcePath.endsWith(`/${e.resource}`)),
  );
}

/** Each environment synthesized once for the whole suite. */
const synthesized = new Map<string, TerraformJson>();
const stackOf = (name: string) => {
  if (!synthesized.has(name)) synthesized.set(name, synthEnvironment(environments.find((e) => e.name === name)!).tf);
  return synthesized.get(name)!;
};

describe.each(environments.map((e) => [e.name] as const))('orders-%s', (name) => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = stackOf(name);
  });
  const stackFile = `cdktf.out/stacks/orders-${name}/cdk.tf.json`;
  /** Every resource failing a check here: [logical id, construct path]. */
  const failing = (check: Check) =>
    Object.entries(resourcesOf(tf, check.type))
      .filter(([key, r]) => !check.passes(r, { tf, ref: `${check.type}.${key}` }))
      .map(([key, r]) => [key, String(r['//']?.metadata?.path)] as const);

  test.each(CHECKS.map((c) => [`${c.id} (${c.type})`, c] as const))('%s passes or is a documented exception', (_, check) => {
    const unexcused = failing(check).filter(([, resourcePath]) => exceptionsFor(check.id, stackFile, resourcePath).length === 0);
    if (unexcused.length > 0) {
      throw new Error(`${check.id} fails on ${unexcused.map(([key]) => key).join(', ')} and is not an exception in .checkov.yaml`);
    }
  });

  test('no exception hides a check that passes here (exceptions stay honest)', () => {
    const applicable = exceptions().filter((e) => !e.pathPattern || e.pathPattern.test(stackFile));
    const unneeded = applicable.filter((e) =>
      CHECKS.filter((c) => c.id === e.id).every((c) =>
        failing(c).every(([, resourcePath]) => e.resource !== undefined && !resourcePath.endsWith(`/${e.resource}`)),
      ),
    );
    expect(unneeded.map((e) => `${e.id}${e.resource ? ` (${e.resource})` : ''}`)).toEqual([]);
  });
});

test('every check applies to some resource of some environment (a check of a type we never declare tests nothing)', () => {
  const stacks = environments.map((e) => stackOf(e.name));
  for (const check of CHECKS)
    expect([check.id, check.type, stacks.some((tf) => Object.keys(resourcesOf(tf, check.type)).length > 0)]).toEqual([
      check.id,
      check.type,
      true,
    ]);
});

test('every exception is explained in the README', () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  for (const { id } of exceptions()) expect(readme).toContain(id);
});

test('every exception names a check this suite knows', () => {
  const known = new Set(CHECKS.map((c) => c.id));
  for (const { id } of exceptions()) expect(known.has(id)).toBe(true);
});
