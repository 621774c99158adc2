import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformOutput, type TerraformResource } from 'cdktf';
import { dev, environments, prod } from '../../lib/config/environments';
import type { EnvironmentConfig } from '../../lib/config/types';
import { OrdersStack } from '../../lib/orders-stack';
import { exempt, listExemptions } from '../../lib/policy/policy-aspect';
import type { RuleId } from '../../lib/policy/rules';
import { fakeBundler, PROJECT_ROOT, withoutCreationTraces } from '../helpers/synth';

/**
 * The guardrails at synth: for each rule, a stack that breaks it fails synth with that rule's message
 * naming the construct path, the attribute, the value found and what is required; the real stacks pass.
 */

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/**
 * Builds an environment (dev unless given: the rules read each resource alone, and the smaller stack
 * keeps the suite fast), lets `tamper` break it, and synthesizes it as `cdktf synth` does; returns the
 * error, if any.
 */
function synthesize(tamper: (stack: OrdersStack) => void = () => undefined, environment: EnvironmentConfig = dev): Error | undefined {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-policy-'));
  outdirs.push(outdir);
  return withoutCreationTraces(() => {
    const app = new App({ outdir });
    const stack = new OrdersStack(app, { environment, projectRoot: PROJECT_ROOT, bundler: fakeBundler });
    tamper(stack);
    try {
      app.synth();
      return undefined;
    } catch (error) {
      return error as Error;
    }
  });
}

/** The construct at a path suffix (e.g. 'data/data/account'), as a resource. */
function at(stack: OrdersStack, suffix: string): TerraformResource {
  const found = stack.node.findAll().find((c) => c.node.path.endsWith(suffix));
  if (!found) throw new Error(`nothing at ${suffix}`);
  return found as TerraformResource;
}

test.each(environments.map((e) => [e.name]))('the real %s stack passes every rule', (name) => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-policy-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  new OrdersStack(app, { environment: environments.find((e) => e.name === name)!, projectRoot: PROJECT_ROOT, bundler: fakeBundler });
  expect(() => app.synth()).not.toThrow();
});

const breaks: Array<[RuleId, string, string, (stack: OrdersStack) => void, RegExp]> = [
  ['no-shared-keys', 'storage shared keys on', 'data/data/account', (s) => at(s, 'data/data/account').addOverride('shared_access_key_enabled', true), /shared_access_key_enabled = true; required: false/],
  ['no-shared-keys', 'Service Bus SAS on', 'messaging/namespace', (s) => at(s, 'messaging/namespace').addOverride('local_auth_enabled', true), /local_auth_enabled = true; required: false/],
  ['no-shared-keys', 'Application Insights local auth on', 'monitoring/app-insights', (s) => at(s, 'monitoring/app-insights').addOverride('local_authentication_disabled', false), /local_authentication_disabled = false; required: true/],
  ['no-shared-keys', 'Log Analytics local auth on', 'monitoring/workspace', (s) => at(s, 'monitoring/workspace').addOverride('local_authentication_enabled', true), /local_authentication_enabled = true; required: false/],
  ['no-shared-keys', 'publishing credentials on', 'order-api/app', (s) => at(s, 'order-api/app').addOverride('ftp_publish_basic_authentication_enabled', true), /ftp_publish_basic_authentication_enabled = true/],
  ['tls-and-https', 'storage TLS 1.0', 'packages/packages/account', (s) => at(s, 'packages/packages/account').addOverride('min_tls_version', 'TLS1_0'), /min_tls_version = "TLS1_0"; required: one of "TLS1_2", "TLS1_3"/],
  ['tls-and-https', 'a function app over HTTP', 'order-processor/app', (s) => at(s, 'order-processor/app').addOverride('https_only', false), /https_only = false; required: true/],
  ['tls-and-https', 'the SCM site on TLS 1.1', 'order-api/app', (s) => at(s, 'order-api/app').addOverride('site_config.scm_minimum_tls_version', '1.1'), /site_config.scm_minimum_tls_version = "1.1"/],
  ['tls-and-https', 'Service Bus TLS 1.0', 'messaging/namespace', (s) => at(s, 'messaging/namespace').addOverride('minimum_tls_version', '1.0'), /minimum_tls_version = "1.0"/],
  ['role-scope-and-strength', 'a grant at subscription scope', 'order-api-identity/send-orders', (s) => at(s, 'order-api-identity/send-orders').addOverride('scope', '/subscriptions/00000000-0000-0000-0000-000000000000'), /scope = "\/subscriptions\/0+-.*"; required: a resource, or at most a resource group/],
  ['role-scope-and-strength', 'Contributor for the app identity', 'order-processor-identity/record-orders', (s) => at(s, 'order-processor-identity/record-orders').addOverride('role_definition_name', 'Contributor'), /role_definition_name = "Contributor"; required: a data or resource role/],
  ['no-secrets-in-settings', 'an account key in app settings', 'order-api/app', (s) => at(s, 'order-api/app').addOverride('app_settings.LEGACY', 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc=='), /app_settings.LEGACY = "DefaultEndpointsProtocol=.*AccountKey=/],
  ['no-secrets-in-settings', 'a reference to an access key in app settings', 'order-api/app', (s) => at(s, 'order-api/app').addOverride('app_settings.KEY', '${azurerm_storage_account.x.primary_access_key}'), /app_settings.KEY = .*primary_access_key/],
  ['no-secrets-in-settings', 'a connection string in an output', 'orders-dev', (s) => new TerraformOutput(s, 'leak', { value: '${azurerm_servicebus_namespace.x.default_primary_connection_string}' }), /output.leak = /],
  ['required-tags', 'a resource without the environment tag', 'monitoring/workspace', (s) => ['environment', 'managed-by'].forEach((key) => at(s, 'monitoring/workspace').addOverride(`tags.${key}`, undefined)), /tags = \["workload"\]; required: the keys workload, environment, managed-by \(missing: environment, managed-by\)/],
];

test.each(breaks)('%s: %s fails synth with the rule, the construct path, the attribute, the value and what is required', (rule, _, __, tamper, detail) => {
  const error = synthesize(tamper);
  expect(error).toBeDefined();
  expect(error!.message).toMatch(new RegExp(`policy ${rule}: orders-dev/\\S+ \\(\\S+\\) `));
  expect(error!.message).toMatch(detail);
});

test('private-data-services: in a private environment a public data account, a public namespace, or a network_rule_set whose own flag reopens it (azurerm #31059) fails synth', () => {
  const error = synthesize((s) => {
    at(s, 'data/data/account').addOverride('public_network_access_enabled', true);
    at(s, 'messaging/namespace').addOverride('public_network_access_enabled', true);
    at(s, 'messaging/namespace').addOverride('network_rule_set', { default_action: 'Allow', public_network_access_enabled: true });
  }, prod);
  expect(error).toBeDefined();
  expect(error!.message).toMatch(/policy private-data-services: orders-prod\/data\/data\/account \(azurerm_storage_account\) public_network_access_enabled = true; required: false \(the environment is private/);
  expect(error!.message).toMatch(/policy private-data-services: orders-prod\/messaging\/namespace \(azurerm_servicebus_namespace\) public_network_access_enabled = true; required: false/);
  expect(error!.message).toMatch(/policy private-data-services: orders-prod\/messaging\/namespace \(azurerm_servicebus_namespace\) network_rule_set.public_network_access_enabled = true; required: false/);
});

test('a public environment may keep public data services: the rule holds private environments only', () => {
  expect(dev.network.kind).toBe('public');
  expect(synthesize((s) => at(s, 'data/data/account').addOverride('public_network_access_enabled', true), dev)).toBeUndefined();
});

test('the package account is public in a private environment only by its exemption, which says why', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'orders-policy-')) });
  outdirs.push(app.outdir);
  const exemption = listExemptions(new OrdersStack(app, { environment: prod, projectRoot: PROJECT_ROOT, bundler: fakeBundler }));
  expect(exemption).toEqual([{ path: 'orders-prod/packages/packages/account', type: 'azurerm_storage_account', rule: 'private-data-services', reason: expect.stringMatching(/code only.*upload/i) }]);
});

test('an exemption is per resource and rule, carries its reason, and lets that resource pass that rule only', () => {
  const error = synthesize((stack) => {
    const account = at(stack, 'data/data/account');
    account.addOverride('shared_access_key_enabled', true);
    account.addOverride('min_tls_version', 'TLS1_0');
    exempt(account, 'no-shared-keys', 'a legacy reader needs the key until 2027-01 (ticket ORD-1)');
  });
  expect(error!.message).not.toMatch(/policy no-shared-keys/);
  expect(error!.message).toMatch(/policy tls-and-https: orders-dev\/data\/data\/account/);
});

test('an exemption without a reason is refused', () => {
  expect(() => synthesize((stack) => exempt(at(stack, 'data/data/account'), 'no-shared-keys', '  '))).toThrow(/needs a reason/);
});

test('exemptions are listed with their construct path, type, rule and reason', () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'orders-policy-')) });
  outdirs.push(app.outdir);
  const stack = new OrdersStack(app, { environment: dev, projectRoot: PROJECT_ROOT, bundler: fakeBundler });
  expect(listExemptions(stack)).toEqual([]);
  exempt(at(stack, 'monitoring/workspace'), 'required-tags', 'tagged by the platform team');
  expect(listExemptions(stack)).toEqual([{ path: 'orders-dev/monitoring/workspace', type: 'azurerm_log_analytics_workspace', rule: 'required-tags', reason: 'tagged by the platform team' }]);
});
