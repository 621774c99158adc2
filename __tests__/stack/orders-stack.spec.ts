import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import type { NetworkConfig } from '../../lib/config/types';
import { AppSetting, REQUIRED_SETTINGS, SERVICE_BUS_CONNECTION } from '../../functions/app-settings';
import { dev, prod } from '../../lib/config/environments';
import { wallClockToInstant } from '../../lib/config/time-zones';
import { resourceNames } from '../../lib/naming';
import type { EnvironmentConfig } from '../../lib/config/types';
import { prodOnDedicated } from '../helpers/environments';
import { fakeBundler, onlyResource, refTo, resourceAt, resourcesOf, synthEnvironment, type Synthesized } from '../helpers/synth';

/**
 * The composition of lib/orders-stack.ts, read from the whole synthesized stacks: what each
 * environment's configuration turns into, how the constructs are wired to each other (references,
 * settings, scopes), and the exact roles each identity ends up with. What one construct does with its
 * props is tested on a bare stack in __tests__/lib/<construct>.spec.ts.
 */

let devStack: Synthesized;
let prodStack: Synthesized;
/** prod with both apps on Dedicated plans, as it shipped before Elastic Premium. */
let prodDedicatedStack: Synthesized;
beforeAll(() => {
  devStack = synthEnvironment(dev);
  prodStack = synthEnvironment(prod);
  prodDedicatedStack = synthEnvironment(prodOnDedicated);
});

const ROLES = [
  ['orderApi', 'order-api'],
  ['orderProcessor', 'order-processor'],
] as const;

describe('messaging', () => {
  test('the namespace is Standard in dev and Premium in prod, Entra ID only over TLS 1.2 in both', () => {
    expect(devStack.json).toHaveResourceWithProperties(ServicebusNamespace, {
      sku: 'Standard',
      local_auth_enabled: false,
      minimum_tls_version: '1.2',
    });
    expect(prodStack.json).toHaveResourceWithProperties(ServicebusNamespace, {
      sku: 'Premium',
      local_auth_enabled: false,
      minimum_tls_version: '1.2',
    });
  });

  test("Premium messaging units start at the configured minimum and scale within the configured range on the namespace's own setting", () => {
    const namespace = onlyResource(prodStack.tf, 'azurerm_servicebus_namespace');
    expect(namespace.capacity).toBe(prod.serviceBus.messagingUnits!.minimum);
    expect(namespace.lifecycle.ignore_changes).toEqual(['capacity']);
    const setting = resourceAt(prodStack.tf, 'azurerm_monitor_autoscale_setting', 'messaging-unit-autoscale/setting');
    expect(setting.target_resource_id).toBe(refTo(prodStack.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id'));
    const [profile] = setting.profile;
    expect(profile.capacity).toEqual({ minimum: 1, default: 1, maximum: 4 });
    expect(profile.rule.map((r: any) => r.metric_trigger.metric_resource_id)).toEqual([
      setting.target_resource_id,
      setting.target_resource_id,
    ]);
  });

  test('a Standard namespace has no messaging-unit autoscale', () => {
    const targets = Object.values(resourcesOf(devStack.tf, 'azurerm_monitor_autoscale_setting')).map((s) => s.target_resource_id);
    expect(targets).not.toContain(refTo(devStack.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id'));
  });
});

describe('storage', () => {
  test.each([['dev'], ['prod']])('every account in %s is keyless, TLS 1.2, HTTPS only, private, with soft delete', (name) => {
    const stack = name === 'dev' ? devStack : prodStack;
    const env = name === 'dev' ? dev : prod;
    const accounts = Object.values(resourcesOf(stack.tf, 'azurerm_storage_account'));
    // Host state, order data, packages: three accounts, so no grant on one reaches another's contents.
    expect(accounts.map((a) => a.name).sort()).toEqual(
      [resourceNames(env).hostStorageAccount, resourceNames(env).dataStorageAccount, resourceNames(env).packageStorageAccount].sort(),
    );
    for (const account of accounts) {
      expect(account).toMatchObject({
        shared_access_key_enabled: false,
        min_tls_version: 'TLS1_2',
        https_traffic_only_enabled: true,
        allow_nested_items_to_be_public: false,
        local_user_enabled: false,
        blob_properties: {
          delete_retention_policy: { days: env.storage.softDeleteDays },
          container_delete_retention_policy: { days: env.storage.softDeleteDays },
        },
      });
    }
  });

  test('production protects the namespace, the host and order-data accounts and the table from an accidental destroy; dev does not', () => {
    const protectedIn = (tf: Synthesized['tf']) => ({
      namespace: onlyResource(tf, 'azurerm_servicebus_namespace').lifecycle?.prevent_destroy,
      dataAccount: resourceAt(tf, 'azurerm_storage_account', 'data/data/account').lifecycle?.prevent_destroy,
      // The host account holds the function keys the shop's callers use.
      hostAccount: resourceAt(tf, 'azurerm_storage_account', 'host-storage/host/account').lifecycle?.prevent_destroy,
      tableDeployment: onlyResource(tf, 'azurerm_resource_group_template_deployment').lifecycle?.prevent_destroy,
    });
    expect(protectedIn(prodStack.tf)).toEqual({ namespace: true, dataAccount: true, hostAccount: true, tableDeployment: true });
    expect(protectedIn(devStack.tf)).toEqual({ namespace: false, dataAccount: false, hostAccount: false, tableDeployment: false });
  });

  test('production order data is geo-redundant', () => {
    expect(prodStack.json).toHaveResourceWithProperties(StorageAccount, {
      name: resourceNames(prod).dataStorageAccount,
      account_replication_type: 'GZRS',
    });
  });

  test("each app's package container is in the package account, named by naming.ts", () => {
    for (const [role, id] of ROLES) {
      expect(resourceAt(devStack.tf, 'azurerm_storage_container', `${id}-package/container`)).toMatchObject({
        name: resourceNames(dev).apps[role].packageContainer,
        storage_account_id: refTo(devStack.tf, 'azurerm_storage_account', 'packages/packages/account', 'id'),
      });
    }
  });
});

describe.each(ROLES)('the %s function app', (role, id) => {
  let app: Record<string, any>;
  beforeAll(() => {
    app = resourceAt(prodStack.tf, 'azurerm_linux_function_app', `${id}/app`);
  });

  test('its resource group, plan and app are named by naming.ts', () => {
    const names = resourceNames(prod).apps[role];
    expect(resourceAt(prodStack.tf, 'azurerm_resource_group', `${id}/resource-group`).name).toBe(names.resourceGroup);
    expect([resourceAt(prodStack.tf, 'azurerm_service_plan', `${id}/plan`).name, app.name]).toEqual([names.plan, names.functionApp]);
  });

  test('runs as its own user-assigned identity, for host storage too', () => {
    const identityId = refTo(prodStack.tf, 'azurerm_user_assigned_identity', `${id}-identity/identity`, 'id');
    const clientId = refTo(prodStack.tf, 'azurerm_user_assigned_identity', `${id}-identity/identity`, 'client_id');
    expect(app.identity).toEqual({ type: 'UserAssigned', identity_ids: [identityId] });
    expect(app.storage_uses_managed_identity).toBe(true);
    expect(app.storage_account_name).toBe(refTo(prodStack.tf, 'azurerm_storage_account', 'host-storage/host/account', 'name'));
    expect(app.app_settings).toMatchObject({
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: clientId,
      [`${SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace`]: `${resourceNames(prod).serviceBusNamespace}.servicebus.windows.net`,
      [AppSetting.identityClientId]: clientId,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${clientId};Authorization=AAD`,
      WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId,
      languageWorkers__node__arguments: '--enable-source-maps',
    });
  });

  test('no app setting carries a key, a SAS or a connection string: every one is a name, a URL or an identity', () => {
    for (const [name, value] of Object.entries(app.app_settings as Record<string, string>)) {
      expect([name, value]).not.toEqual([
        name,
        expect.stringMatching(/connection_string|primary_key|access_key|instrumentation_key|AccountKey=|SharedAccessKey|[?&]sig=/i),
      ]);
    }
  });

  test('every setting its code needs comes from the stack (the app-settings contract)', () => {
    for (const name of REQUIRED_SETTINGS[role]) expect([name, app.app_settings[name]]).toEqual([name, expect.any(String)]);
    expect(app.app_settings[AppSetting.queueName]).toBe(refTo(prodStack.tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name'));
    expect(app.app_settings[AppSetting.tableServiceUri]).toBe(
      refTo(prodStack.tf, 'azurerm_storage_account', 'data/data/account', 'primary_table_endpoint'),
    );
    expect(app.app_settings[AppSetting.tableName]).toBe('orders');
    expect(app.app_settings[AppSetting.acceptedTableName]).toBe('acceptedorders');
  });

  test('Application Insights through site_config, with Entra ID ingestion only (one resource for both apps: one trace)', () => {
    expect(app.site_config.application_insights_connection_string).toBe(
      refTo(prodStack.tf, 'azurerm_application_insights', 'monitoring/app-insights', 'connection_string'),
    );
    expect(onlyResource(prodStack.tf, 'azurerm_application_insights')).toMatchObject({
      local_authentication_disabled: true,
      workspace_id: refTo(prodStack.tf, 'azurerm_log_analytics_workspace', 'monitoring/workspace', 'id'),
    });
  });

  test.each([
    ['prod', () => prodStack, prod],
    ['prod on Dedicated', () => prodDedicatedStack, prodOnDedicated],
  ] as Array<[string, () => Synthesized, EnvironmentConfig]>)(
    'in %s its plan is the configured SKU, zone balanced, starting with at least two workers',
    (_, stack, env) => {
      const hosting = env.apps[role];
      const plan = resourceAt(stack().tf, 'azurerm_service_plan', `${id}/plan`);
      // Dedicated: the first workers, then Azure Monitor autoscale. Elastic Premium: the always-ready count, then Azure.
      const workers = hosting.kind === 'dedicated' ? hosting.initialWorkers : hosting.alwaysReady;
      expect(plan).toMatchObject({ sku_name: hosting.sku, zone_balancing_enabled: true, worker_count: workers });
      expect(workers).toBeGreaterThanOrEqual(2);
    },
  );

  test('in dev its plan is one P0v3 worker, not zone balanced', () => {
    expect(resourceAt(devStack.tf, 'azurerm_service_plan', `${id}/plan`)).toMatchObject({
      sku_name: 'P0v3',
      zone_balancing_enabled: false,
      worker_count: 1,
    });
  });

  test('runs from its own package blob, the bundle of its own entry point', () => {
    const bundle = fakeBundler();
    expect(resourceAt(devStack.tf, 'azurerm_storage_blob', `${id}-package/blob`).name).toBe(`functions-${bundle.sha256}.zip`);
    const devApp = resourceAt(devStack.tf, 'azurerm_linux_function_app', `${id}/app`);
    expect(devApp.app_settings.WEBSITE_RUN_FROM_PACKAGE).toBe(refTo(devStack.tf, 'azurerm_storage_blob', `${id}-package/blob`, 'url'));
  });
});

describe('the apps apart', () => {
  test('only the processor holds the trigger connection; only the API sets the request body limit', () => {
    const settings = (id: string) => resourceAt(prodStack.tf, 'azurerm_linux_function_app', `${id}/app`).app_settings;
    expect(settings('order-processor')).toMatchObject({
      [AppSetting.serviceBusCredential]: 'managedidentity',
      [AppSetting.serviceBusClientId]: expect.any(String),
    });
    expect(settings('order-api')[AppSetting.serviceBusCredential]).toBeUndefined();
    expect(settings('order-api')[AppSetting.requestBodySizeLimit]).toBe('1048576');
    expect(settings('order-processor')[AppSetting.requestBodySizeLimit]).toBeUndefined();
  });

  test('with no deployer configured, both packages are uploaded by whoever runs terraform', () => {
    expect(dev.deployerObjectId).toBeUndefined();
    for (const [, id] of ROLES) {
      expect(resourceAt(devStack.tf, 'azurerm_role_assignment', `${id}-package/deployer-can-upload`).principal_id).toMatch(
        /^\$\{data\.azurerm_client_config\.[^.]+\.object_id\}$/,
      );
    }
  });

  test("a configured CI identity is the deployer of both packages (the environment's deployerObjectId reaches the package store)", () => {
    const ci = synthEnvironment({ ...dev, deployerObjectId: '00000000-1111-2222-3333-444444444444' });
    for (const [, id] of ROLES)
      expect(resourceAt(ci.tf, 'azurerm_role_assignment', `${id}-package/deployer-can-upload`).principal_id).toBe(
        '00000000-1111-2222-3333-444444444444',
      );
    expect(ci.tf.data?.azurerm_client_config).toBeUndefined();
  });
});

describe('identity and access: least privilege at the narrowest scope', () => {
  const queue = (tf: Synthesized['tf']) => refTo(tf, 'azurerm_servicebus_queue', 'messaging/queue', 'id');
  const ordersTable = (tf: Synthesized['tf']) =>
    `${refTo(tf, 'azurerm_storage_account', 'data/data/account', 'id')}/tableServices/default/tables/orders`;
  const acceptedTable = (tf: Synthesized['tf']) =>
    `${refTo(tf, 'azurerm_storage_account', 'data/data/account', 'id')}/tableServices/default/tables/acceptedorders`;
  const hostAccount = (tf: Synthesized['tf']) => refTo(tf, 'azurerm_storage_account', 'host-storage/host/account', 'id');
  const common = (tf: Synthesized['tf'], id: string) => [
    ['Storage Blob Data Owner', hostAccount(tf)],
    ['Storage Blob Data Reader', refTo(tf, 'azurerm_storage_container', `${id}-package/container`, 'id')],
    ['Monitoring Metrics Publisher', refTo(tf, 'azurerm_application_insights', 'monitoring/app-insights', 'id')],
  ];
  const expected = {
    'order-api': (tf: Synthesized['tf'], _env: EnvironmentConfig) => [
      ['Azure Service Bus Data Sender', queue(tf)],
      ['Storage Table Data Reader', ordersTable(tf)],
      ['Storage Table Data Contributor', acceptedTable(tf)],
      ...common(tf, 'order-api'),
    ],
    'order-processor': (tf: Synthesized['tf'], env: EnvironmentConfig) => [
      // On Elastic Premium the scale controller reads the queue's length with the app's identity:
      // that needs the Manage right, which only Data Owner has; a Dedicated processor only receives.
      [env.apps.orderProcessor.kind === 'elasticPremium' ? 'Azure Service Bus Data Owner' : 'Azure Service Bus Data Receiver', queue(tf)],
      ['Storage Table Data Contributor', ordersTable(tf)],
      ['Storage Table Data Reader', acceptedTable(tf)],
      // A private Elastic Premium host samples the queue itself and keeps the samples in monthly tables
      // of the host account (never the order data's).
      ...(env.apps.orderProcessor.kind === 'elasticPremium' && env.network.kind === 'private'
        ? [['Storage Table Data Contributor', hostAccount(tf)]]
        : []),
      ...common(tf, 'order-processor'),
    ],
  };
  const grantsOf = (tf: Synthesized['tf'], id: string) => {
    const principal = refTo(tf, 'azurerm_user_assigned_identity', `${id}-identity/identity`, 'principal_id');
    return Object.values(resourcesOf(tf, 'azurerm_role_assignment'))
      .filter((r) => r.principal_id === principal)
      .map((r) => [r.role_definition_name, r.scope]);
  };

  test.each(ROLES)(
    'the %s identity holds exactly its roles: the API sends and never receives, the processor receives and never sends',
    (_, id) => {
      expect(grantsOf(prodStack.tf, id).sort()).toEqual(expected[id](prodStack.tf, prod).sort());
      expect(grantsOf(prodDedicatedStack.tf, id).sort()).toEqual(expected[id](prodDedicatedStack.tf, prodOnDedicated).sort());
    },
  );

  test('nothing at namespace, account-wide package or subscription scope', () => {
    for (const r of Object.values(resourcesOf(prodStack.tf, 'azurerm_role_assignment'))) {
      expect(r.scope).not.toBe(refTo(prodStack.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id'));
      expect(r.scope).not.toBe(refTo(prodStack.tf, 'azurerm_storage_account', 'packages/packages/account', 'id'));
    }
  });

  test.each(ROLES)("the %s host's Blob Data Owner grant does not cover the packages: no app can rewrite code", (_, id) => {
    const principal = refTo(prodStack.tf, 'azurerm_user_assigned_identity', `${id}-identity/identity`, 'principal_id');
    const writers = Object.values(resourcesOf(prodStack.tf, 'azurerm_role_assignment')).filter(
      (r) => r.principal_id === principal && /Blob Data (Owner|Contributor)/.test(r.role_definition_name),
    );
    const packageScopes = [
      refTo(prodStack.tf, 'azurerm_storage_account', 'packages/packages/account', 'id'),
      ...ROLES.map(([, other]) => refTo(prodStack.tf, 'azurerm_storage_container', `${other}-package/container`, 'id')),
    ];
    for (const w of writers) expect(packageScopes).not.toContain(w.scope);
  });
});

describe('autoscale of a Dedicated processor plan (prod on Dedicated)', () => {
  let setting: Record<string, any>;
  const env = prodOnDedicated;
  const rules = env.apps.orderProcessor.kind === 'dedicated' ? env.apps.orderProcessor.autoscale : undefined;
  const backlog = rules?.backlog;
  beforeAll(() => {
    setting = resourceAt(prodDedicatedStack.tf, 'azurerm_monitor_autoscale_setting', 'order-processor-autoscale/setting');
  });

  test('one setting targets the plan, and tells the receivers', () => {
    expect(setting.target_resource_id).toBe(refTo(prodDedicatedStack.tf, 'azurerm_service_plan', 'order-processor/plan', 'id'));
    expect(setting.notification).toEqual({ email: { custom_emails: env.alerts.receivers.map((r) => r.email) } });
    expect(setting.predictive).toBeUndefined();
  });

  test("scales on the backlog of our queue on our namespace, with the configured thresholds, and on its own plan's CPU", () => {
    const [out, cpu, scaleIn] = setting.profile[0].rule;
    expect(out.metric_trigger).toMatchObject({
      metric_name: 'ActiveMessages',
      metric_resource_id: refTo(prodDedicatedStack.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id'),
      dimensions: [
        {
          name: 'EntityName',
          operator: 'Equals',
          values: [refTo(prodDedicatedStack.tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name')],
        },
      ],
      threshold: backlog!.scaleOutPerInstance,
    });
    expect(scaleIn.metric_trigger.threshold).toBe(backlog!.scaleInPerInstance);
    expect(cpu.metric_trigger).toMatchObject({
      metric_name: 'CpuPercentage',
      metric_resource_id: setting.target_resource_id,
      threshold: rules!.scaleOutCpuPercent,
    });
  });

  test('the default profile holds the app limits', () => {
    expect(setting.profile[0]).toMatchObject({ name: 'default', capacity: { minimum: 3, default: 3, maximum: 20 } });
    expect(setting.profile[0].fixed_date).toBeUndefined();
  });

  test("each sale window of the environment is a profile holding the processor's minimum (not the API's)", () => {
    const profiles = setting.profile.slice(1);
    expect(profiles.map((p: any) => p.name)).toEqual(env.saleWindows.map((w) => w.name));
    env.saleWindows.forEach((window, i) => {
      const minimum = window.minimumInstances.orderProcessor;
      expect(profiles[i].capacity).toEqual({ minimum, default: minimum, maximum: 20 });
      expect(profiles[i].fixed_date.timezone).toBe(window.timeZone);
    });
  });

  test('Black Friday holds 6 processor instances from before the shops open (04:00 in Berlin) until the night after', () => {
    const bf = env.saleWindows.find((w) => w.name === 'black-friday-2026')!;
    expect(wallClockToInstant(bf.start, bf.timeZone).toISOString()).toBe('2026-11-27T03:00:00.000Z');
    expect(wallClockToInstant(bf.end, bf.timeZone).toISOString()).toBe('2026-11-28T01:00:00.000Z');
    expect(bf.minimumInstances.orderProcessor).toBe(6);
  });

  test('dev has the default profile only', () => {
    const devSetting = resourceAt(devStack.tf, 'azurerm_monitor_autoscale_setting', 'order-processor-autoscale/setting');
    expect(devSetting.profile.map((p: any) => p.name)).toEqual(['default']);
    expect(devSetting.profile[0].capacity).toEqual({ minimum: 1, default: 1, maximum: 3 });
  });
});

describe('the Elastic Premium processor in prod', () => {
  test('no autoscale setting targets its plan; its always-ready schedule holds each sale window from before the shops open (04:00 in Berlin)', () => {
    const targets = Object.values(resourcesOf(prodStack.tf, 'azurerm_monitor_autoscale_setting')).map((s) => s.target_resource_id);
    expect(targets).not.toContain(refTo(prodStack.tf, 'azurerm_service_plan', 'order-processor/plan', 'id'));
    const workflow = resourceAt(prodStack.tf, 'azurerm_logic_app_workflow', 'order-processor-always-ready/workflow');
    const windows = JSON.parse(workflow.parameters.windows);
    expect(windows.map((w: any) => w.name)).toEqual(prod.saleWindows.map((w) => w.name));
    expect(windows[0]).toMatchObject({ name: 'black-friday-2026', start: '2026-11-27T03:00:00Z', end: '2026-11-28T01:00:00Z' });
    expect(windows.map((w: any) => w.alwaysReady)).toEqual(prod.saleWindows.map((w) => w.minimumInstances.orderProcessor));
  });
});

describe('autoscale of the API plan', () => {
  test('CPU rules only (the API does not drain the queue), with the sale minimum of the API', () => {
    const setting = resourceAt(prodStack.tf, 'azurerm_monitor_autoscale_setting', 'order-api-autoscale/setting');
    expect(setting.target_resource_id).toBe(refTo(prodStack.tf, 'azurerm_service_plan', 'order-api/plan', 'id'));
    for (const profile of setting.profile) {
      expect(profile.rule.map((r: any) => [r.metric_trigger.metric_name, r.scale_action.direction])).toEqual([
        ['CpuPercentage', 'Increase'],
        ['CpuPercentage', 'Decrease'],
      ]);
    }
    expect(setting.profile.slice(1).map((p: any) => p.capacity.minimum)).toEqual(prod.saleWindows.map((w) => w.minimumInstances.orderApi));
  });
});

describe('monitoring and alerts', () => {
  test('diagnostic settings send the namespace, every storage account, each plan and each app to the workspace', () => {
    const workspace = refTo(prodStack.tf, 'azurerm_log_analytics_workspace', 'monitoring/workspace', 'id');
    const settings = Object.values(resourcesOf(prodStack.tf, 'azurerm_monitor_diagnostic_setting'));
    for (const s of settings) expect(s.log_analytics_workspace_id).toBe(workspace);
    const targets = settings.map((s) => s.target_resource_id);
    const data = refTo(prodStack.tf, 'azurerm_storage_account', 'data/data/account', 'id');
    const host = refTo(prodStack.tf, 'azurerm_storage_account', 'host-storage/host/account', 'id');
    expect(targets).toEqual(
      expect.arrayContaining([
        refTo(prodStack.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id'),
        data,
        `${data}/tableServices/default`,
        host,
        `${host}/blobServices/default`,
        `${host}/tableServices/default`,
        `${host}/queueServices/default`,
        refTo(prodStack.tf, 'azurerm_storage_account', 'packages/packages/account', 'id'),
        ...ROLES.flatMap(([, id]) => [
          refTo(prodStack.tf, 'azurerm_service_plan', `${id}/plan`, 'id'),
          refTo(prodStack.tf, 'azurerm_linux_function_app', `${id}/app`, 'id'),
        ]),
      ]),
    );
    for (const [, id] of ROLES) {
      const app = settings.find((s) => s.target_resource_id === refTo(prodStack.tf, 'azurerm_linux_function_app', `${id}/app`, 'id'))!;
      expect(app.enabled_log).toEqual([{ category: 'FunctionAppLogs' }]);
    }
  });

  test('alerts: any dead letter, a backlog that stays up, API server errors and an unavailable health endpoint, all to the action group', () => {
    const alerts = Object.values(resourcesOf(prodStack.tf, 'azurerm_monitor_metric_alert'));
    const byMetric = Object.fromEntries(alerts.filter((a) => a.criteria).map((a) => [a.criteria[0].metric_name, a]));
    const availability = alerts.filter((a) => a.application_insights_web_test_location_availability_criteria);
    expect(availability).toHaveLength(1);
    expect(availability[0]).toMatchObject({ severity: 0, frequency: 'PT1M', window_size: 'PT5M' });
    expect(alerts).toHaveLength(Object.keys(byMetric).length + 1);
    // RunsFailed: the processor's always-ready schedule (Elastic Premium with sale windows).
    expect(Object.keys(byMetric).sort()).toEqual(['ActiveMessages', 'DeadletteredMessages', 'Http5xx', 'RunsFailed']);
    const namespace = refTo(prodStack.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id');
    expect([byMetric.DeadletteredMessages.scopes, byMetric.ActiveMessages.scopes]).toEqual([[namespace], [namespace]]);
    expect(byMetric.ActiveMessages.criteria[0]).toMatchObject({
      threshold: prod.alerts.backlogThreshold,
      dimension: [
        { name: 'EntityName', operator: 'Include', values: [refTo(prodStack.tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name')] },
      ],
    });
    expect(byMetric.ActiveMessages.window_size).toBe(prod.alerts.backlogWindow);
    expect(byMetric.Http5xx).toMatchObject({ scopes: [refTo(prodStack.tf, 'azurerm_linux_function_app', 'order-api/app', 'id')] });
    expect(byMetric.Http5xx.criteria[0]).toMatchObject({ threshold: prod.alerts.http5xxThreshold });
    expect(byMetric.RunsFailed.scopes).toEqual([
      refTo(prodStack.tf, 'azurerm_logic_app_workflow', 'order-processor-always-ready/workflow', 'id'),
    ]);
    const webTest = refTo(prodStack.tf, 'azurerm_application_insights_standard_web_test', 'api-availability/web-test', 'id');
    expect(availability[0].scopes).toEqual([refTo(prodStack.tf, 'azurerm_application_insights', 'monitoring/app-insights', 'id'), webTest]);
    const group = refTo(prodStack.tf, 'azurerm_monitor_action_group', 'alerts/action-group', 'id');
    for (const a of alerts) expect(a.action).toEqual([{ action_group_id: group }]);
    expect(onlyResource(prodStack.tf, 'azurerm_monitor_action_group').email_receiver).toEqual([
      { name: 'orders-oncall', email_address: 'orders-oncall@example.com', use_common_alert_schema: true },
    ]);
  });
});

describe('network posture', () => {
  const network = prod.network as Extract<NetworkConfig, { kind: 'private' }>;

  test('dev is public: the namespace and both accounts take internet connections (Entra ID guards them), no network exists', () => {
    expect(dev.network.kind).toBe('public');
    expect(onlyResource(devStack.tf, 'azurerm_servicebus_namespace').public_network_access_enabled).toBe(true);
    for (const account of Object.values(resourcesOf(devStack.tf, 'azurerm_storage_account')))
      expect(account.public_network_access_enabled).toBe(true);
    expect(devStack.json).not.toHaveResource(VirtualNetwork);
  });

  test('prod is private: the namespace and the order data off the internet, the package account public', () => {
    expect(network.kind).toBe('private');
    expect(onlyResource(prodStack.tf, 'azurerm_servicebus_namespace').public_network_access_enabled).toBe(false);
    expect(prodStack.json).toHaveResourceWithProperties(StorageAccount, {
      name: resourceNames(prod).dataStorageAccount,
      public_network_access_enabled: false,
    });
    expect(prodStack.json).toHaveResourceWithProperties(StorageAccount, {
      name: resourceNames(prod).packageStorageAccount,
      public_network_access_enabled: true,
    });
  });

  test("the network and its subnets are the configuration's", () => {
    expect(prodStack.json).toHaveResourceWithProperties(VirtualNetwork, {
      name: resourceNames(prod).virtualNetwork,
      address_space: [network.addressSpace],
    });
    for (const subnet of Object.values(network.subnets))
      expect(prodStack.json).toHaveResourceWithProperties(Subnet, { name: subnet.name, address_prefixes: [subnet.cidr] });
  });

  test.each(ROLES)('the %s app calls out through its own subnet; its inbound stays open (no allow list configured)', (_, id) => {
    const app = resourceAt(prodStack.tf, 'azurerm_linux_function_app', `${id}/app`);
    expect(app.virtual_network_subnet_id).toBe(refTo(prodStack.tf, 'azurerm_subnet', `network/${id}-subnet`, 'id'));
    expect(app.site_config.vnet_route_all_enabled).toBe(true);
    expect(app.public_network_access_enabled).toBe(true);
    expect(app.site_config.ip_restriction).toBeUndefined();
  });
});

describe('the operations workbook', () => {
  test("is named by naming.ts and charts this stack's apps, queue and workspace", () => {
    const workbook = onlyResource(prodStack.tf, 'azurerm_application_insights_workbook');
    expect(workbook.name).toBe(resourceNames(prod).operationsWorkbook);
    const items: Array<{ name: string; content: Record<string, any> }> = JSON.parse(workbook.data_json).items;
    const byName = Object.fromEntries(items.map((i) => [i.name, i]));
    expect(byName['http-errors'].content.resourceIds).toEqual([refTo(prodStack.tf, 'azurerm_linux_function_app', 'order-api/app', 'id')]);
    expect(byName.backlog.content.filters[0].values).toEqual([refTo(prodStack.tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name')]);
    // prod: the API's plan has an autoscale setting (Dedicated), the processor's none (Elastic Premium).
    expect(byName['scale-actions'].content.resourceIds).toEqual([
      refTo(prodStack.tf, 'azurerm_monitor_autoscale_setting', 'order-api-autoscale/setting', 'id'),
    ]);
  });
});

describe('outputs', () => {
  test('the API base URL and names, nothing secret', () => {
    const outputs = prodStack.tf.output;
    expect(Object.keys(outputs).sort()).toEqual([
      'api_base_url',
      'order_api_app_name',
      'order_api_package_sha256',
      'order_api_resource_group_name',
      'order_processor_app_name',
      'order_processor_package_sha256',
      'order_processor_resource_group_name',
      'queue_name',
      'resource_group_name',
      'service_bus_namespace',
    ]);
    expect(outputs.api_base_url.value).toBe(
      `https://${refTo(prodStack.tf, 'azurerm_linux_function_app', 'order-api/app', 'default_hostname')}/api`,
    );
    const text = JSON.stringify(outputs);
    expect(text).not.toMatch(/connection_string|primary_key|access_key|instrumentation_key|secret|sas/i);
  });
});
