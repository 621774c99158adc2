import { Sleep } from '@cdktf/provider-time/lib/sleep';
import { TerraformOutput } from 'cdktf';
import { prod } from '../../lib/config/environments';
import type { AppHosting, InboundAllow } from '../../lib/config/types';
import { FUNCTIONS_NODE_VERSION as NODE_VERSION } from '../../lib/functions-runtime';
import { AVAILABILITY_TEST_TAG, FunctionAppHosting, HEALTH_CHECK_PATH } from '../../lib/hosting';
import { prodOnDedicated } from '../helpers/environments';
import { bareMonitoring, diagnosticsByTarget, synthBare, WHERE } from '../helpers/bare-stack';
import { refTo, resourceAt } from '../helpers/synth';

/** One function app and its plan in their own resource group, built alone for each kind of plan. */

const IDENTITY_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-test';
const SUBNET_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet';
const SETTINGS = { ORDERS_QUEUE_NAME: 'orders', FUNCTIONS_WORKER_RUNTIME: 'node' };
const DEDICATED = prod.apps.orderApi;
const ELASTIC = prod.apps.orderProcessor;

interface Options {
  hosting?: AppHosting;
  alwaysReadyScheduled?: boolean;
  integrationSubnetId?: string;
  runtimeScaleMonitoring?: boolean;
  inboundAllow?: InboundAllow;
}

function synth(options: Options = {}) {
  const synthesized = synthBare((stack) => {
    const grantsApplied = new Sleep(stack, 'grants-applied', { createDuration: '1s' });
    const hosting = new FunctionAppHosting(stack, 'app-under-test', {
      names: { resourceGroup: 'rg-test-api', plan: 'asp-test-api', functionApp: 'func-test-api' },
      location: WHERE.location,
      hosting: options.hosting ?? DEDICATED,
      hostStorageAccountName: 'sthost',
      identityId: IDENTITY_ID,
      appInsightsConnectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/',
      appSettings: SETTINGS,
      dependsOn: [grantsApplied],
      alwaysReadyScheduled: options.alwaysReadyScheduled,
      integrationSubnetId: options.integrationSubnetId,
      runtimeScaleMonitoring: options.runtimeScaleMonitoring,
      inboundAllow: options.inboundAllow,
      monitoring: bareMonitoring(stack),
      tags: WHERE.tags,
    });
    new TerraformOutput(stack, 'api_base_url', { value: hosting.apiBaseUrl });
  });
  const tf = synthesized.tf;
  return {
    tf,
    app: resourceAt(tf, 'azurerm_linux_function_app', 'app-under-test/app'),
    plan: resourceAt(tf, 'azurerm_service_plan', 'app-under-test/plan'),
  };
}

const dedicated = synth();
const elastic = synth({ hosting: ELASTIC });

describe.each([
  ['a Dedicated plan', dedicated],
  ['an Elastic Premium plan', elastic],
])('the app on %s', (_, { tf, app, plan }) => {
  test(`HTTPS only, TLS 1.2, no FTP or publishing credentials, Node ${NODE_VERSION}, health-checked`, () => {
    expect(app).toMatchObject({
      https_only: true,
      ftp_publish_basic_authentication_enabled: false,
      webdeploy_publish_basic_authentication_enabled: false,
      builtin_logging_enabled: false,
      functions_extension_version: '~4',
      site_config: expect.objectContaining({
        minimum_tls_version: '1.2',
        scm_minimum_tls_version: '1.2',
        ftps_state: 'Disabled',
        application_stack: { node_version: '22' },
        health_check_path: HEALTH_CHECK_PATH,
        health_check_eviction_time_in_min: 5,
        remote_debugging_enabled: false,
      }),
    });
    expect(HEALTH_CHECK_PATH).toBe('/api/health');
  });

  test('lives with its plan in a resource group of its own', () => {
    expect(app.resource_group_name).toBe(refTo(tf, 'azurerm_resource_group', 'app-under-test/resource-group', 'name'));
    expect(app.service_plan_id).toBe(refTo(tf, 'azurerm_service_plan', 'app-under-test/plan', 'id'));
    expect(plan.resource_group_name).toBe(app.resource_group_name);
    expect(resourceAt(tf, 'azurerm_resource_group', 'app-under-test/resource-group').name).toBe('rg-test-api');
    expect([plan.name, app.name]).toEqual(['asp-test-api', 'func-test-api']);
  });

  test('runs as the given user-assigned identity, for host storage and Key Vault references too; settings and telemetry as given', () => {
    expect(app.identity).toEqual({ type: 'UserAssigned', identity_ids: [IDENTITY_ID] });
    expect(app.key_vault_reference_identity_id).toBe(IDENTITY_ID);
    expect(app.storage_uses_managed_identity).toBe(true);
    expect(app.storage_account_name).toBe('sthost');
    expect(app.storage_account_access_key).toBeUndefined();
    expect(app.app_settings).toEqual(SETTINGS);
    expect(app.site_config.application_insights_connection_string).toMatch(/^InstrumentationKey=/);
  });

  test('starts after what it depends on', () => {
    expect(app.depends_on).toEqual([expect.stringMatching(/^time_sleep\./)]);
  });

  test('a Linux plan of the configured SKU and zone balancing, no per-site scaling; its worker count is only the starting size', () => {
    expect(plan).toMatchObject({
      os_type: 'Linux',
      zone_balancing_enabled: true,
      per_site_scaling_enabled: false,
      lifecycle: { ignore_changes: ['worker_count'] },
    });
    expect(plan.premium_plan_auto_scale_enabled).toBeUndefined();
  });

  test('the plan sends its metrics and the app its FunctionAppLogs to the workspace', () => {
    const byTarget = diagnosticsByTarget(tf);
    expect(byTarget[refTo(tf, 'azurerm_service_plan', 'app-under-test/plan', 'id')]).toMatchObject({
      enabled_log: [],
      enabled_metric: [{ category: 'AllMetrics' }],
    });
    expect(byTarget[refTo(tf, 'azurerm_linux_function_app', 'app-under-test/app', 'id')].enabled_log).toEqual([
      { category: 'FunctionAppLogs' },
    ]);
  });

  test('no outbound subnet and no access restrictions unless given: inbound stays open', () => {
    expect(app.virtual_network_subnet_id).toBeUndefined();
    expect(app.site_config.vnet_route_all_enabled).toBeUndefined();
    expect(app.public_network_access_enabled).toBe(true);
    expect(app.site_config.ip_restriction).toBeUndefined();
    expect(app.site_config.ip_restriction_default_action).toBeUndefined();
  });
});

test.each([
  ['prod API', DEDICATED],
  ['prod-on-Dedicated processor', prodOnDedicated.apps.orderProcessor],
])('Dedicated (%s): the SKU with its first workers, Always On, no Elastic Premium knobs', (_, hosting) => {
  if (hosting.kind !== 'dedicated') throw new Error('expected a Dedicated hosting');
  const { app, plan } = synth({ hosting });
  expect(plan).toMatchObject({ sku_name: hosting.sku, worker_count: hosting.initialWorkers });
  expect(plan.maximum_elastic_worker_count).toBeUndefined();
  expect(app.site_config.always_on).toBe(true);
  for (const knob of ['elastic_instance_minimum', 'app_scale_limit', 'pre_warmed_instance_count', 'runtime_scale_monitoring_enabled'])
    expect(app.site_config[knob]).toBeUndefined();
  expect(app.content_share_force_disabled).toBeUndefined();
});

test('Elastic Premium: the always-ready count starts the plan, bursts to its maximum, Always On off, every knob explicit, no content share', () => {
  if (ELASTIC.kind !== 'elasticPremium') throw new Error('expected prod processor on Elastic Premium');
  expect(elastic.plan).toMatchObject({
    sku_name: ELASTIC.sku,
    worker_count: ELASTIC.alwaysReady,
    maximum_elastic_worker_count: ELASTIC.maximumBurst,
  });
  expect(elastic.app.site_config).toMatchObject({
    always_on: false,
    elastic_instance_minimum: ELASTIC.alwaysReady,
    app_scale_limit: ELASTIC.appScaleLimit,
    pre_warmed_instance_count: ELASTIC.prewarmed,
    runtime_scale_monitoring_enabled: false,
  });
  expect(elastic.app.content_share_force_disabled).toBe(true);
  expect(synth({ hosting: ELASTIC, runtimeScaleMonitoring: true }).app.site_config.runtime_scale_monitoring_enabled).toBe(true);
});

test('alwaysReadyScheduled: Terraform ignores later changes of the always-ready count (the schedule owns it); otherwise no lifecycle', () => {
  expect(synth({ hosting: ELASTIC, alwaysReadyScheduled: true }).app.lifecycle).toEqual({
    ignore_changes: ['site_config[0].elastic_instance_minimum'],
  });
  expect(elastic.app.lifecycle).toBeUndefined();
});

test('integrationSubnetId: all outbound traffic leaves through that subnet', () => {
  const { app } = synth({ integrationSubnetId: SUBNET_ID });
  expect(app.virtual_network_subnet_id).toBe(SUBNET_ID);
  expect(app.site_config.vnet_route_all_enabled).toBe(true);
});

test('inboundAllow: one Allow rule per range and tag in priority order, availability tests included, then Deny; the SCM site denies everyone', () => {
  const { site_config: site } = synth({
    inboundAllow: { ipRanges: ['203.0.113.0/24'], serviceTags: [{ tag: 'AzureFrontDoor.Backend', frontDoorIds: ['fd-1'] }] },
  }).app;
  expect(site.ip_restriction.map((r: any) => [r.name, r.priority, r.action, r.ip_address ?? r.service_tag])).toEqual([
    ['ip-range-1', 100, 'Allow', '203.0.113.0/24'],
    ['service-tag-1', 110, 'Allow', 'AzureFrontDoor.Backend'],
    ['availability-tests', 120, 'Allow', AVAILABILITY_TEST_TAG],
  ]);
  expect(site.ip_restriction[1].headers).toEqual([
    { x_azure_fdid: ['fd-1'], x_fd_health_probe: [], x_forwarded_for: [], x_forwarded_host: [] },
  ]);
  expect(site).toMatchObject({
    ip_restriction_default_action: 'Deny',
    scm_use_main_ip_restriction: false,
    scm_ip_restriction_default_action: 'Deny',
  });
  const withoutTests = synth({ inboundAllow: { ipRanges: ['203.0.113.0/24'], availabilityTests: false } }).app.site_config;
  expect(withoutTests.ip_restriction.map((r: any) => r.name)).toEqual(['ip-range-1']);
});

test("the API's base URL is the app's default host name under /api", () => {
  expect(dedicated.tf.output.api_base_url.value).toBe(
    `https://${refTo(dedicated.tf, 'azurerm_linux_function_app', 'app-under-test/app', 'default_hostname')}/api`,
  );
});
