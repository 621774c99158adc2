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

type Check = { id: string; type: string; passes: (r: Record<string, any>) => boolean };

const isFalse = (v: unknown) => v === false;
const CHECKS: Check[] = [
  // azurerm_storage_account
  { id: 'CKV_AZURE_3', type: 'azurerm_storage_account', passes: (r) => r.enable_https_traffic_only === undefined || r.enable_https_traffic_only === true },
  { id: 'CKV_AZURE_35', type: 'azurerm_storage_account', passes: (r) => r.network_rules === undefined || r.network_rules.default_action === 'Deny' },
  { id: 'CKV_AZURE_36', type: 'azurerm_storage_account', passes: (r) => r.network_rules === undefined || r.network_rules.default_action === 'Allow' || (r.network_rules.bypass ?? []).includes('AzureServices') },
  { id: 'CKV_AZURE_43', type: 'azurerm_storage_account', passes: (r) => /^[a-z0-9]{3,24}$/.test(r.name) },
  { id: 'CKV_AZURE_44', type: 'azurerm_storage_account', passes: (r) => ['TLS1_2', 'TLS1_3'].includes(r.min_tls_version) },
  { id: 'CKV_AZURE_59', type: 'azurerm_storage_account', passes: (r) => isFalse(r.public_network_access_enabled) },
  { id: 'CKV_AZURE_190', type: 'azurerm_storage_account', passes: (r) => isFalse(r.allow_nested_items_to_be_public) },
  { id: 'CKV_AZURE_206', type: 'azurerm_storage_account', passes: (r) => ['GRS', 'RAGRS', 'GZRS', 'RAGZRS'].includes(r.account_replication_type) },
  { id: 'CKV_AZURE_244', type: 'azurerm_storage_account', passes: (r) => isFalse(r.local_user_enabled) || (r.local_user_enabled === undefined && r.is_hns_enabled === undefined) },
  { id: 'CKV_AZURE_33', type: 'azurerm_storage_account', passes: (r) => ['read', 'write', 'delete'].every((k) => r.queue_properties?.logging?.[k] === true) },
  { id: 'CKV2_AZURE_1', type: 'azurerm_storage_account', passes: (r) => r.customer_managed_key?.key_vault_key_id !== undefined },
  { id: 'CKV2_AZURE_33', type: 'azurerm_storage_account', passes: () => false /* needs an azurerm_private_endpoint */ },
  { id: 'CKV2_AZURE_38', type: 'azurerm_storage_account', passes: (r) => (r.blob_properties?.delete_retention_policy?.days ?? 0) > 0 && r.account_kind !== 'FileStorage' },
  { id: 'CKV2_AZURE_40', type: 'azurerm_storage_account', passes: (r) => isFalse(r.shared_access_key_enabled) },
  { id: 'CKV2_AZURE_41', type: 'azurerm_storage_account', passes: (r) => isFalse(r.shared_access_key_enabled) || r.sas_policy?.expiration_period !== undefined },
  { id: 'CKV2_AZURE_47', type: 'azurerm_storage_account', passes: (r) => isFalse(r.allow_nested_items_to_be_public) },
  // azurerm_storage_container
  { id: 'CKV_AZURE_34', type: 'azurerm_storage_container', passes: (r) => r.container_access_type === undefined || r.container_access_type === 'private' },
  { id: 'CKV2_AZURE_8', type: 'azurerm_storage_container', passes: (r) => r.container_access_type === undefined || r.container_access_type === 'private' },
  { id: 'CKV2_AZURE_21', type: 'azurerm_storage_container', passes: () => false /* needs azurerm_log_analytics_storage_insights, which needs an account key */ },
  // azurerm_service_plan
  { id: 'CKV_AZURE_211', type: 'azurerm_service_plan', passes: (r) => !['B1', 'B2', 'B3', 'F1', 'D1'].includes(r.sku_name) },
  { id: 'CKV_AZURE_212', type: 'azurerm_service_plan', passes: (r) => Number.isInteger(r.worker_count) && r.worker_count > 1 },
  { id: 'CKV_AZURE_225', type: 'azurerm_service_plan', passes: (r) => r.zone_balancing_enabled === true },
  // azurerm_linux_function_app
  { id: 'CKV_AZURE_70', type: 'azurerm_linux_function_app', passes: (r) => r.https_only === true && r.auth_settings_v2?.require_https !== false },
  { id: 'CKV_AZURE_72', type: 'azurerm_linux_function_app', passes: (r) => r.site_config?.remote_debugging_enabled !== true },
  { id: 'CKV_AZURE_145', type: 'azurerm_linux_function_app', passes: (r) => ['1.2', '1.3'].includes(r.site_config?.minimum_tls_version ?? '1.2') },
  { id: 'CKV_AZURE_221', type: 'azurerm_linux_function_app', passes: (r) => isFalse(r.public_network_access_enabled) },
  // azurerm_servicebus_namespace
  { id: 'CKV_AZURE_199', type: 'azurerm_servicebus_namespace', passes: (r) => r.customer_managed_key?.infrastructure_encryption_enabled === true },
  { id: 'CKV_AZURE_201', type: 'azurerm_servicebus_namespace', passes: (r) => r.customer_managed_key?.key_vault_key_id !== undefined },
  { id: 'CKV_AZURE_202', type: 'azurerm_servicebus_namespace', passes: (r) => Boolean(r.identity?.type) },
  { id: 'CKV_AZURE_203', type: 'azurerm_servicebus_namespace', passes: (r) => isFalse(r.local_auth_enabled) },
  { id: 'CKV_AZURE_204', type: 'azurerm_servicebus_namespace', passes: (r) => isFalse(r.public_network_access_enabled) },
  { id: 'CKV_AZURE_205', type: 'azurerm_servicebus_namespace', passes: (r) => r.minimum_tls_version === '1.2' },
];

/** `skip-check` entries of .checkov.yaml: an id, optionally limited to files matching a regex. */
function exceptions(): Array<{ id: string; pathPattern?: RegExp }> {
  const text = fs.readFileSync(path.join(PROJECT_ROOT, '.checkov.yaml'), 'utf8');
  const section = text.split(/^skip-check:\s*$/m)[1] ?? '';
  return [...section.matchAll(/^\s+-\s+([A-Z0-9_]+)(?::(\S+))?/gm)].map(([, id, pattern]) => ({ id, pathPattern: pattern ? new RegExp(pattern) : undefined }));
}

function isExcepted(id: string, stackFile: string): boolean {
  return exceptions().some((e) => e.id === id && (!e.pathPattern || e.pathPattern.test(stackFile)));
}

describe.each(environments.map((e) => [e.name, e] as const))('orders-%s', (name, environment) => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = synthEnvironment(environment).tf;
  });
  const stackFile = `cdktf.out/stacks/orders-${name}/cdk.tf.json`;

  test.each(CHECKS.map((c) => [c.id, c] as const))('%s passes or is a documented exception', (id, check) => {
    const resources = Object.entries(resourcesOf(tf, check.type));
    expect(resources.length).toBeGreaterThan(0);
    const failing = resources.filter(([, r]) => !check.passes(r)).map(([logicalId]) => logicalId);
    if (failing.length > 0 && !isExcepted(id, stackFile)) {
      throw new Error(`${id} fails on ${failing.join(', ')} and is not an exception in .checkov.yaml`);
    }
  });

  test('no exception hides a check that passes here (exceptions stay honest)', () => {
    const unneeded = CHECKS.filter((c) => isExcepted(c.id, stackFile) && Object.values(resourcesOf(tf, c.type)).every((r) => c.passes(r))).map((c) => c.id);
    expect(unneeded).toEqual([]);
  });
});

test('every exception is explained in the README', () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  for (const { id } of exceptions()) expect(readme).toContain(id);
});

test('every exception names a check this suite knows', () => {
  const known = new Set(CHECKS.map((c) => c.id));
  for (const { id } of exceptions()) expect(known.has(id)).toBe(true);
});
