import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
import { LinuxFunctionApp } from '@cdktf/provider-azurerm/lib/linux-function-app';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { Aspects, App, TerraformOutput, TerraformStack, type TerraformResource } from 'cdktf';
import { environments, prod } from '../../lib/config/environments';
import { REQUIRED_TAG_KEYS } from '../../lib/config/sections/identity';
import { OrdersStack } from '../../lib/orders-stack';
import { exempt, listExemptions, PolicyAspect } from '../../lib/policy/policy-aspect';
import type { RuleId } from '../../lib/policy/rules';
import { fakeBundler, PROJECT_ROOT } from '../helpers/synth';

/**
 * The guardrails at synth: for each rule, a stack that breaks it fails synth (as `cdktf synth` does:
 * an error annotation, then app.synth() throws) with that rule's message naming the construct path,
 * the attribute, the value found and what is required; the real stacks pass.
 */

const outdirs: string[] = [];
afterAll(() => outdirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const newApp = () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-policy-'));
  outdirs.push(outdir);
  // As main.ts builds it: the policy's errors fail app.synth() with or without cdktf's validations.
  return new App({ outdir, skipValidation: true });
};

const tags = Object.fromEntries(REQUIRED_TAG_KEYS.map((k) => [k, 'test']));
const rg = 'rg-test';
const where = { resourceGroupName: rg, location: 'westeurope', tags };

/** Secure examples of each resource kind the rules cover: each test breaks one attribute of one. */
function secureResources(stack: TerraformStack) {
  return {
    storage: new StorageAccount(stack, 'storage', {
      ...where,
      name: 'sttest',
      accountTier: 'Standard',
      accountReplicationType: 'ZRS',
      sharedAccessKeyEnabled: false,
      minTlsVersion: 'TLS1_2',
      httpsTrafficOnlyEnabled: true,
    }),
    namespace: new ServicebusNamespace(stack, 'namespace', {
      ...where,
      name: 'sb-test',
      sku: 'Standard',
      localAuthEnabled: false,
      minimumTlsVersion: '1.2',
    }),
    insights: new ApplicationInsights(stack, 'insights', {
      ...where,
      name: 'appi-test',
      applicationType: 'web',
      localAuthenticationDisabled: true,
    }),
    workspace: new LogAnalyticsWorkspace(stack, 'workspace', { ...where, name: 'log-test', localAuthenticationEnabled: false }),
    app: new LinuxFunctionApp(stack, 'app', {
      ...where,
      name: 'func-test',
      servicePlanId: '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.Web/serverFarms/asp',
      httpsOnly: true,
      ftpPublishBasicAuthenticationEnabled: false,
      webdeployPublishBasicAuthenticationEnabled: false,
      appSettings: { ORDERS_QUEUE_NAME: 'orders' },
      siteConfig: { minimumTlsVersion: '1.2', scmMinimumTlsVersion: '1.2', ftpsState: 'Disabled' },
    }),
    grant: new RoleAssignment(stack, 'grant', {
      scope: '${azurerm_storage_account.storage.id}',
      roleDefinitionName: 'Storage Blob Data Reader',
      principalId: '00000000-0000-0000-0000-000000000001',
    }),
    group: new ResourceGroup(stack, 'group', { name: rg, location: 'westeurope', tags }),
  };
}

type Resources = ReturnType<typeof secureResources>;

/** A bare stack of secure resources with the policy applied, `tamper` breaking one; synthesized. */
function synthesize(
  tamper: (resources: Resources, stack: TerraformStack) => void = () => undefined,
  network: 'public' | 'private' = 'public',
): Error | undefined {
  const app = newApp();
  const stack = new TerraformStack(app, 'test');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  Aspects.of(stack).add(new PolicyAspect({ requiredTags: REQUIRED_TAG_KEYS, network }));
  tamper(secureResources(stack), stack);
  try {
    app.synth();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

test('a stack of secure resources passes every rule', () => {
  expect(synthesize()).toBeUndefined();
});

test.each(environments.map((e) => [e.name, e] as const))('the real %s stack passes every rule', (_, environment) => {
  const app = newApp();
  new OrdersStack(app, { environment, projectRoot: PROJECT_ROOT, bundler: fakeBundler });
  expect(() => app.synth()).not.toThrow();
});

test('the policy is applied to the real stacks: breaking a resource there fails synth', () => {
  const app = newApp();
  const stack = new OrdersStack(app, { environment: prod, projectRoot: PROJECT_ROOT, bundler: fakeBundler });
  const account = stack.node.findAll().find((c) => c.node.path.endsWith('data/data/account')) as TerraformResource;
  account.addOverride('shared_access_key_enabled', true);
  expect(() => app.synth()).toThrow(
    /policy no-shared-keys: orders-prod\/data\/data\/account \(azurerm_storage_account\) shared_access_key_enabled = true; required: false/,
  );
});

const breaks: Array<[RuleId, string, (r: Resources, s: TerraformStack) => void, RegExp]> = [
  [
    'no-shared-keys',
    'storage shared keys on',
    (r) => r.storage.addOverride('shared_access_key_enabled', true),
    /test\/storage \(azurerm_storage_account\) shared_access_key_enabled = true; required: false/,
  ],
  [
    'no-shared-keys',
    'Service Bus SAS on',
    (r) => r.namespace.addOverride('local_auth_enabled', true),
    /test\/namespace \(azurerm_servicebus_namespace\) local_auth_enabled = true; required: false/,
  ],
  [
    'no-shared-keys',
    'Application Insights local auth on',
    (r) => r.insights.addOverride('local_authentication_disabled', false),
    /local_authentication_disabled = false; required: true/,
  ],
  [
    'no-shared-keys',
    'Log Analytics local auth on',
    (r) => r.workspace.addOverride('local_authentication_enabled', true),
    /local_authentication_enabled = true; required: false/,
  ],
  [
    'no-shared-keys',
    'publishing credentials on',
    (r) => r.app.addOverride('ftp_publish_basic_authentication_enabled', true),
    /ftp_publish_basic_authentication_enabled = true/,
  ],
  [
    'no-shared-keys',
    'a setting left to the provider default',
    (r) => r.namespace.addOverride('local_auth_enabled', undefined),
    /local_auth_enabled = undefined; required: false/,
  ],
  [
    'tls-and-https',
    'storage TLS 1.0',
    (r) => r.storage.addOverride('min_tls_version', 'TLS1_0'),
    /min_tls_version = "TLS1_0"; required: one of "TLS1_2", "TLS1_3"/,
  ],
  [
    'tls-and-https',
    'storage over HTTP',
    (r) => r.storage.addOverride('https_traffic_only_enabled', false),
    /https_traffic_only_enabled = false; required: true/,
  ],
  ['tls-and-https', 'a function app over HTTP', (r) => r.app.addOverride('https_only', false), /https_only = false; required: true/],
  [
    'tls-and-https',
    'the SCM site on TLS 1.1',
    (r) => r.app.addOverride('site_config.scm_minimum_tls_version', '1.1'),
    /site_config.scm_minimum_tls_version = "1.1"/,
  ],
  ['tls-and-https', 'FTPS allowed', (r) => r.app.addOverride('site_config.ftps_state', 'FtpsOnly'), /site_config.ftps_state = "FtpsOnly"/],
  ['tls-and-https', 'Service Bus TLS 1.0', (r) => r.namespace.addOverride('minimum_tls_version', '1.0'), /minimum_tls_version = "1.0"/],
  [
    'role-scope-and-strength',
    'a grant at subscription scope',
    (r) => r.grant.addOverride('scope', '/subscriptions/00000000-0000-0000-0000-000000000000'),
    /scope = "\/subscriptions\/0+-.*"; required: a resource, or at most a resource group/,
  ],
  [
    'role-scope-and-strength',
    'a grant at management-group scope',
    (r) => r.grant.addOverride('scope', '/providers/Microsoft.Management/managementGroups/contoso'),
    /scope = "\/providers\/Microsoft.Management\/managementGroups\/contoso"/,
  ],
  [
    'role-scope-and-strength',
    'Contributor',
    (r) => r.grant.addOverride('role_definition_name', 'Contributor'),
    /role_definition_name = "Contributor"; required: a data or resource role/,
  ],
  [
    'role-scope-and-strength',
    'User Access Administrator',
    (r) => r.grant.addOverride('role_definition_name', 'User Access Administrator'),
    /role_definition_name = "User Access Administrator"/,
  ],
  [
    'no-secrets-in-settings',
    'an account key in app settings',
    (r) => r.app.addOverride('app_settings.LEGACY', 'DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc=='),
    /app_settings.LEGACY = "DefaultEndpointsProtocol=.*AccountKey=/,
  ],
  [
    'no-secrets-in-settings',
    'a SAS in app settings',
    (r) => r.app.addOverride('app_settings.URL', 'https://st.blob.core.windows.net/c/b?sv=2024&sig=abc'),
    /app_settings.URL = .*sig=abc/,
  ],
  [
    'no-secrets-in-settings',
    'a reference to an access key in app settings',
    (r) => r.app.addOverride('app_settings.KEY', '${azurerm_storage_account.storage.primary_access_key}'),
    /app_settings.KEY = .*primary_access_key/,
  ],
  [
    'no-secrets-in-settings',
    'a connection string in an output',
    (_, s) => new TerraformOutput(s, 'leak', { value: '${azurerm_servicebus_namespace.namespace.default_primary_connection_string}' }),
    /test\/leak \(output\) output.leak = /,
  ],
  [
    'required-tags',
    'a resource without the environment tag',
    (r) => r.group.addOverride('tags.environment', undefined),
    /test\/group \(azurerm_resource_group\) tags = .*missing: environment/,
  ],
];

test.each(breaks)(
  '%s: %s fails synth with the rule, the construct path, the attribute, the value and what is required',
  (rule, _, tamper, detail) => {
    const error = synthesize(tamper);
    expect(error).toBeDefined();
    expect(error!.message).toMatch(new RegExp(`policy ${rule}: test/\\S+ \\(\\S+\\) `));
    expect(error!.message).toMatch(detail);
  },
);

test('private-data-services: in a private environment a public storage account, a public namespace, or a network_rule_set whose own flag reopens it (azurerm #31059) fails synth', () => {
  const error = synthesize(({ storage, namespace }) => {
    storage.addOverride('public_network_access_enabled', true);
    namespace.addOverride('public_network_access_enabled', false);
    namespace.addOverride('network_rule_set', { default_action: 'Allow', public_network_access_enabled: true });
  }, 'private');
  expect(error!.message).toMatch(
    /policy private-data-services: test\/storage \(azurerm_storage_account\) public_network_access_enabled = true; required: false \(the environment is private/,
  );
  expect(error!.message).toMatch(
    /policy private-data-services: test\/namespace \(azurerm_servicebus_namespace\) network_rule_set.public_network_access_enabled = true; required: false/,
  );
  expect(error!.message).not.toMatch(/test\/namespace \(azurerm_servicebus_namespace\) public_network_access_enabled/);
});

test('private-data-services holds private environments only: a public one may keep public data services', () => {
  expect(synthesize(({ storage }) => storage.addOverride('public_network_access_enabled', true), 'public')).toBeUndefined();
  expect(
    synthesize(
      ({ storage, namespace }) => [storage, namespace].forEach((r) => r.addOverride('public_network_access_enabled', false)),
      'private',
    ),
  ).toBeUndefined();
});

test('in the real private stack, the package account is public only by its exemption, which says why', () => {
  const app = newApp();
  expect(prod.network.kind).toBe('private');
  const exemptions = listExemptions(new OrdersStack(app, { environment: prod, projectRoot: PROJECT_ROOT, bundler: fakeBundler }));
  expect(exemptions).toEqual([
    {
      path: 'orders-prod/packages/packages/account',
      type: 'azurerm_storage_account',
      rule: 'private-data-services',
      reason: expect.stringMatching(/code only.*upload/i),
    },
  ]);
});

test('an exemption is per resource and rule, carries its reason, and lets that resource pass that rule only', () => {
  const error = synthesize(({ storage }) => {
    storage.addOverride('shared_access_key_enabled', true);
    storage.addOverride('min_tls_version', 'TLS1_0');
    exempt(storage, 'no-shared-keys', 'a legacy reader needs the key until 2027-01 (ticket ORD-1)');
  });
  expect(error!.message).not.toMatch(/policy no-shared-keys/);
  expect(error!.message).toMatch(/policy tls-and-https: test\/storage/);
});

test('an exemption without a reason is refused', () => {
  expect(() => synthesize(({ storage }) => exempt(storage, 'no-shared-keys', '  '))).toThrow(/needs a reason/);
});

test('exemptions are listed with their construct path, type, rule and reason', () => {
  const app = newApp();
  const stack = new TerraformStack(app, 'test');
  const { workspace } = secureResources(stack);
  expect(listExemptions(stack)).toEqual([]);
  exempt(workspace, 'required-tags', 'tagged by the platform team');
  expect(listExemptions(stack)).toEqual([
    { path: 'test/workspace', type: 'azurerm_log_analytics_workspace', rule: 'required-tags', reason: 'tagged by the platform team' },
  ]);
});
