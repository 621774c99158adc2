import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
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

let devStack: Synthesized;
let prodStack: Synthesized;
/** prod with both apps on Dedicated plans, as it shipped before Elastic Premium. */
let prodDedicatedStack: Synthesized;
beforeAll(() => {
  devStack = synthEnvironment(dev);
  prodStack = synthEnvironment(prod);
  prodDedicatedStack = synthEnvironment(prodOnDedicated);
});

describe('messaging', () => {
  test('the namespace takes Entra ID only, over TLS 1.2', () => {
    expect(devStack.json).toHaveResourceWithProperties(ServicebusNamespace, { sku: 'Standard', local_auth_enabled: false, minimum_tls_version: '1.2' });
    expect(prodStack.json).toHaveResourceWithProperties(ServicebusNamespace, { sku: 'Premium', local_auth_enabled: false, minimum_tls_version: '1.2' });
  });

  test('the orders queue dead-letters instead of dropping, and drops duplicate order ids', () => {
    expect(prodStack.json).toHaveResourceWithProperties(ServicebusQueue, {
      name: 'orders',
      dead_lettering_on_message_expiration: true,
      max_delivery_count: 10,
      lock_duration: 'PT1M',
      requires_duplicate_detection: true,
      duplicate_detection_history_time_window: 'PT10M',
      default_message_ttl: 'P14D',
      max_size_in_megabytes: prod.queue.maxSizeInMegabytes,
    });
  });

  test('Premium messaging units scale on namespace CPU by the next allowed value, and Terraform leaves them alone after', () => {
    const namespace = onlyResource(prodStack.tf, 'azurerm_servicebus_namespace');
    expect(namespace.capacity).toBe(prod.serviceBus.messagingUnits!.minimum);
    expect(namespace.lifecycle.ignore_changes).toEqual(['capacity']);
    const setting = resourceAt(prodStack.tf, 'azurerm_monitor_autoscale_setting', 'messaging-unit-autoscale/setting');
    expect(setting.target_resource_id).toBe(refTo(prodStack.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id'));
    const [profile] = setting.profile;
    expect(profile.capacity).toEqual({ minimum: 1, default: 1, maximum: 4 });
    for (const rule of profile.rule) {
      expect(rule.metric_trigger).toMatchObject({ metric_name: 'NamespaceCpuUsage', metric_namespace: 'microsoft.servicebus/namespaces' });
      expect(rule.scale_action).toMatchObject({ type: 'ServiceAllowedNextValue', value: 1 });
    }
    expect(profile.rule.map((r: any) => r.scale_action.direction)).toEqual(['Increase', 'Decrease']);
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
    expect(accounts.map((a) => a.name).sort()).toEqual([resourceNames(env).hostStorageAccount, resourceNames(env).dataStorageAccount, resourceNames(env).packageStorageAccount].sort());
    for (const account of accounts) {
      expect(account).toMatchObject({
        shared_access_key_enabled: false,
        min_tls_version: 'TLS1_2',
        https_traffic_only_enabled: true,
        allow_nested_items_to_be_public: false,
        local_user_enabled: false,
        blob_properties: { delete_retention_policy: { days: env.storage.softDeleteDays }, container_delete_retention_policy: { days: env.storage.softDeleteDays } },
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
    expect(prodStack.json).toHaveResourceWithProperties(StorageAccount, { name: resourceNames(prod).dataStorageAccount, account_replication_type: 'GZRS' });
  });

  test('each package container is private and declared through Resource Manager', () => {
    const containers = Object.values(resourcesOf(devStack.tf, 'azurerm_storage_container'));
    expect(containers.map((c) => c.name).sort()).toEqual(['packages-api', 'packages-proc']);
    for (const container of containers) {
      expect(container.container_access_type).toBe('private');
      expect(container.storage_account_id).toBe(refTo(devStack.tf, 'azurerm_storage_account', 'packages/packages/account', 'id'));
      expect(container.storage_account_name).toBeUndefined();
    }
  });
});

const ROLES = [
  ['orderApi', 'order-api'],
  ['orderProcessor', 'order-processor'],
] as const;

describe.each(ROLES)('the %s function app', (role, id) => {
  let app: Record<string, any>;
  beforeAll(() => {
    app = resourceAt(prodStack.tf, 'azurerm_linux_function_app', `${id}/app`);
  });

  test('HTTPS only, TLS 1.2, no FTP or publishing credentials, Node 22, health-checked', () => {
    expect(app).toMatchObject({
      https_only: true,
      ftp_publish_basic_authentication_enabled: false,
      webdeploy_publish_basic_authentication_enabled: false,
      builtin_logging_enabled: false,
      site_config: expect.objectContaining({
        minimum_tls_version: '1.2',
        scm_minimum_tls_version: '1.2',
        ftps_state: 'Disabled',
        application_stack: { node_version: '22' },
        health_check_path: '/api/health',
        health_check_eviction_time_in_min: 5,
      }),
    });
  });

  test('lives with its plan in a resource group of its own', () => {
    expect(app.resource_group_name).toBe(refTo(prodStack.tf, 'azurerm_resource_group', `${id}/resource-group`, 'name'));
    expect(app.service_plan_id).toBe(refTo(prodStack.tf, 'azurerm_service_plan', `${id}/plan`, 'id'));
    expect(resourceAt(prodStack.tf, 'azurerm_service_plan', `${id}/plan`).resource_group_name).toBe(app.resource_group_name);
    expect(resourceAt(prodStack.tf, 'azurerm_resource_group', `${id}/resource-group`).name).toBe(resourceNames(prod).apps[role].resourceGroup);
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
      expect([name, value]).not.toEqual([name, expect.stringMatching(/connection_string|primary_key|access_key|instrumentation_key|AccountKey=|SharedAccessKey|[?&]sig=/i)]);
    }
  });

  test('every setting its code needs comes from the stack (the app-settings contract)', () => {
    for (const name of REQUIRED_SETTINGS[role]) expect([name, app.app_settings[name]]).toEqual([name, expect.any(String)]);
    expect(app.app_settings[AppSetting.queueName]).toBe(refTo(prodStack.tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name'));
    expect(app.app_settings[AppSetting.tableServiceUri]).toBe(refTo(prodStack.tf, 'azurerm_storage_account', 'data/data/account', 'primary_table_endpoint'));
    expect(app.app_settings[AppSetting.tableName]).toBe('orders');
    expect(app.app_settings[AppSetting.acceptedTableName]).toBe('acceptedorders');
  });

  test('Application Insights through site_config, with Entra ID ingestion only (one resource for both apps: one trace)', () => {
    expect(app.site_config.application_insights_connection_string).toBe(refTo(prodStack.tf, 'azurerm_application_insights', 'monitoring/app-insights', 'connection_string'));
    expect(onlyResource(prodStack.tf, 'azurerm_application_insights')).toMatchObject({ local_authentication_disabled: true, workspace_id: refTo(prodStack.tf, 'azurerm_log_analytics_workspace', 'monitoring/workspace', 'id') });
  });

  test.each([
    ['prod', () => prodStack, prod],
    ['prod on Dedicated', () => prodDedicatedStack, prodOnDedicated],
  ] as Array<[string, () => Synthesized, EnvironmentConfig]>)(
    'in %s its plan is the configured Linux SKU, zone balanced with its starting size, which the scaler owns afterwards',
    (_, stack, env) => {
      const hosting = env.apps[role];
      const plan = resourceAt(stack().tf, 'azurerm_service_plan', `${id}/plan`);
      // Dedicated: the first workers, then Azure Monitor autoscale. Elastic Premium: the always-ready count, then Azure.
      const workers = hosting.kind === 'dedicated' ? hosting.initialWorkers : hosting.alwaysReady;
      expect(plan).toMatchObject({ os_type: 'Linux', sku_name: hosting.sku, zone_balancing_enabled: true, worker_count: workers, lifecycle: { ignore_changes: ['worker_count'] } });
      expect(workers).toBeGreaterThanOrEqual(2);
      expect(plan.premium_plan_auto_scale_enabled).toBeUndefined();
    },
  );

  test('in dev its plan is one P0v3 worker, not zone balanced', () => {
    expect(resourceAt(devStack.tf, 'azurerm_service_plan', `${id}/plan`)).toMatchObject({ sku_name: 'P0v3', zone_balancing_enabled: false, worker_count: 1 });
  });

  test('runs from its own content-addressed blob, uploaded with its MD5 after the deployer can write', () => {
    const bundle = fakeBundler();
    const blob = resourceAt(devStack.tf, 'azurerm_storage_blob', `${id}-package/blob`);
    expect(blob).toMatchObject({
      name: `functions-${bundle.sha256}.zip`,
      content_md5: bundle.md5,
      content_type: 'application/zip',
      type: 'Block',
      storage_container_name: refTo(devStack.tf, 'azurerm_storage_container', `${id}-package/container`, 'name'),
      storage_account_name: refTo(devStack.tf, 'azurerm_storage_account', 'packages/packages/account', 'name'),
      lifecycle: { create_before_destroy: true },
    });
    // The source is the asset copied into the stack's directory: relative, named by the same hash.
    expect(blob.source).toMatch(new RegExp(`^assets/[^/]+/${bundle.sha256}/functions\\.zip$`));
    const devApp = resourceAt(devStack.tf, 'azurerm_linux_function_app', `${id}/app`);
    expect(devApp.app_settings.WEBSITE_RUN_FROM_PACKAGE).toBe(refTo(devStack.tf, 'azurerm_storage_blob', `${id}-package/blob`, 'url'));
  });

  test('the upload waits for the deployer grant on its package container (role assignments take minutes)', () => {
    const grant = resourceAt(devStack.tf, 'azurerm_role_assignment', `${id}-package/deployer-can-upload`);
    expect(grant).toMatchObject({ role_definition_name: 'Storage Blob Data Contributor', scope: refTo(devStack.tf, 'azurerm_storage_container', `${id}-package/container`, 'id') });
    const sleep = resourceAt(devStack.tf, 'time_sleep', `${id}-package/wait-for-upload-grant`);
    expect(sleep.triggers.role_assignment_id).toBe(refTo(devStack.tf, 'azurerm_role_assignment', `${id}-package/deployer-can-upload`, 'id'));
    const blob = resourceAt(devStack.tf, 'azurerm_storage_blob', `${id}-package/blob`);
    const sleepName = Object.entries(resourcesOf(devStack.tf, 'time_sleep')).find(([, r]) => r === sleep)![0];
    expect(blob.depends_on).toEqual([`time_sleep.${sleepName}`]);
  });
});

describe('the apps apart', () => {
  test('only the processor holds the trigger connection; only the API sets the request body limit', () => {
    const settings = (id: string) => resourceAt(prodStack.tf, 'azurerm_linux_function_app', `${id}/app`).app_settings;
    expect(settings('order-processor')).toMatchObject({ [AppSetting.serviceBusCredential]: 'managedidentity', [AppSetting.serviceBusClientId]: expect.any(String) });
    expect(settings('order-api')[AppSetting.serviceBusCredential]).toBeUndefined();
    expect(settings('order-api')[AppSetting.requestBodySizeLimit]).toBe('1048576');
    expect(settings('order-processor')[AppSetting.requestBodySizeLimit]).toBeUndefined();
  });

  test('the deployer defaults to whoever runs terraform, and a configured CI identity replaces it', () => {
    const grant = resourceAt(devStack.tf, 'azurerm_role_assignment', 'order-api-package/deployer-can-upload');
    expect(grant.principal_id).toMatch(/^\$\{data\.azurerm_client_config\.[^.]+\.object_id\}$/);
    const ci = synthEnvironment({ ...dev, deployerObjectId: '00000000-1111-2222-3333-444444444444' });
    expect(resourceAt(ci.tf, 'azurerm_role_assignment', 'order-processor-package/deployer-can-upload').principal_id).toBe('00000000-1111-2222-3333-444444444444');
    expect(ci.tf.data?.azurerm_client_config).toBeUndefined();
  });
});

describe('identity and access: least privilege at the narrowest scope', () => {
  const queue = (tf: Synthesized['tf']) => refTo(tf, 'azurerm_servicebus_queue', 'messaging/queue', 'id');
  const ordersTable = (tf: Synthesized['tf']) => `${refTo(tf, 'azurerm_storage_account', 'data/data/account', 'id')}/tableServices/default/tables/orders`;
  const acceptedTable = (tf: Synthesized['tf']) => `${refTo(tf, 'azurerm_storage_account', 'data/data/account', 'id')}/tableServices/default/tables/acceptedorders`;
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
      ...(env.apps.orderProcessor.kind === 'elasticPremium' && env.network.kind === 'private' ? [['Storage Table Data Contributor', hostAccount(tf)]] : []),
      ...common(tf, 'order-processor'),
    ],
  };
  const grantsOf = (tf: Synthesized['tf'], id: string) => {
    const principal = refTo(tf, 'azurerm_user_assigned_identity', `${id}-identity/identity`, 'principal_id');
    return Object.values(resourcesOf(tf, 'azurerm_role_assignment'))
      .filter((r) => r.principal_id === principal)
      .map((r) => [r.role_definition_name, r.scope]);
  };

  test.each(ROLES)('the %s identity holds exactly its roles: the API sends and never receives, the processor receives and never sends', (_, id) => {
    expect(grantsOf(prodStack.tf, id).sort()).toEqual(expected[id](prodStack.tf, prod).sort());
    expect(grantsOf(prodDedicatedStack.tf, id).sort()).toEqual(expected[id](prodDedicatedStack.tf, prodOnDedicated).sort());
  });

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

  test('scales out on queue backlog per instance: ActiveMessages of our queue on the namespace', () => {
    const [out] = setting.profile[0].rule;
    expect(out.metric_trigger).toEqual({
      metric_name: 'ActiveMessages',
      metric_namespace: 'microsoft.servicebus/namespaces',
      metric_resource_id: refTo(prodDedicatedStack.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id'),
      dimensions: [{ name: 'EntityName', operator: 'Equals', values: [refTo(prodDedicatedStack.tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name')] }],
      divide_by_instance_count: true,
      time_grain: 'PT1M',
      statistic: 'Average',
      time_window: rules!.scaleOutWindow,
      time_aggregation: 'Average',
      operator: 'GreaterThan',
      threshold: backlog!.scaleOutPerInstance,
    });
    expect(out.scale_action).toEqual({ direction: 'Increase', type: 'ChangeCount', value: backlog!.scaleOutStep, cooldown: rules!.scaleOutCooldown });
  });

  test('scales out on CPU too, and scales in only on both, over a longer window with a longer cooldown', () => {
    const all = setting.profile[0].rule;
    expect(all.map((r: any) => [r.metric_trigger.metric_name, r.metric_trigger.operator, r.scale_action.direction])).toEqual([
      ['ActiveMessages', 'GreaterThan', 'Increase'],
      ['CpuPercentage', 'GreaterThan', 'Increase'],
      ['ActiveMessages', 'LessThan', 'Decrease'],
      ['CpuPercentage', 'LessThan', 'Decrease'],
    ]);
    expect(all[1].metric_trigger).toMatchObject({ metric_namespace: 'microsoft.web/serverfarms', threshold: rules!.scaleOutCpuPercent, divide_by_instance_count: false });
    for (const scaleIn of all.slice(2)) {
      expect(scaleIn.metric_trigger.time_window).toBe(rules!.scaleInWindow);
      expect(scaleIn.scale_action).toMatchObject({ value: 1, cooldown: rules!.scaleInCooldown });
    }
    expect(all[2].metric_trigger).toMatchObject({ threshold: backlog!.scaleInPerInstance, divide_by_instance_count: true });
    expect(all[3].metric_trigger.threshold).toBe(rules!.scaleInCpuPercent);
  });

  test('the default profile holds the app limits', () => {
    expect(setting.profile[0]).toMatchObject({ name: 'default', capacity: { minimum: 3, default: 3, maximum: 20 } });
    expect(setting.profile[0].fixed_date).toBeUndefined();
  });

  test("each sale window is a fixed-date profile that holds the processor's minimum and repeats every rule", () => {
    const profiles = setting.profile.slice(1);
    expect(profiles.map((p: any) => p.name)).toEqual(env.saleWindows.map((w) => w.name));
    env.saleWindows.forEach((window, i) => {
      const minimum = window.minimumInstances.orderProcessor;
      expect(profiles[i].capacity).toEqual({ minimum, default: minimum, maximum: 20 });
      expect(profiles[i].fixed_date).toEqual({ start: `${window.start}Z`, end: `${window.end}Z`, timezone: window.timeZone });
      expect(profiles[i].rule).toEqual(setting.profile[0].rule);
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
        ...ROLES.flatMap(([, id]) => [refTo(prodStack.tf, 'azurerm_service_plan', `${id}/plan`, 'id'), refTo(prodStack.tf, 'azurerm_linux_function_app', `${id}/app`, 'id')]),
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
    expect(byMetric.DeadletteredMessages.criteria[0]).toMatchObject({ aggregation: 'Maximum', operator: 'GreaterThan', threshold: 0 });
    expect(byMetric.ActiveMessages.criteria[0]).toMatchObject({ aggregation: 'Minimum', threshold: prod.alerts.backlogThreshold });
    expect(byMetric.ActiveMessages.window_size).toBe(prod.alerts.backlogWindow);
    expect(byMetric.Http5xx).toMatchObject({ scopes: [refTo(prodStack.tf, 'azurerm_linux_function_app', 'order-api/app', 'id')] });
    expect(byMetric.Http5xx.criteria[0]).toMatchObject({ metric_namespace: 'Microsoft.Web/sites', aggregation: 'Total', threshold: prod.alerts.http5xxThreshold });
    const group = refTo(prodStack.tf, 'azurerm_monitor_action_group', 'alerts/action-group', 'id');
    for (const a of alerts) expect(a.action).toEqual([{ action_group_id: group }]);
    expect(onlyResource(prodStack.tf, 'azurerm_monitor_action_group').email_receiver).toEqual([{ name: 'orders-oncall', email_address: 'orders-oncall@example.com', use_common_alert_schema: true }]);
  });
});

describe('network posture', () => {
  const network = prod.network as Extract<NetworkConfig, { kind: 'private' }>;

  test('dev is public: the namespace and both accounts take internet connections (Entra ID guards them), no network exists', () => {
    expect(dev.network.kind).toBe('public');
    expect(onlyResource(devStack.tf, 'azurerm_servicebus_namespace').public_network_access_enabled).toBe(true);
    for (const account of Object.values(resourcesOf(devStack.tf, 'azurerm_storage_account'))) expect(account.public_network_access_enabled).toBe(true);
    expect(devStack.json).not.toHaveResource(VirtualNetwork);
  });

  test('prod is private: the namespace and the order data off the internet, the package account public', () => {
    expect(network.kind).toBe('private');
    expect(onlyResource(prodStack.tf, 'azurerm_servicebus_namespace').public_network_access_enabled).toBe(false);
    expect(prodStack.json).toHaveResourceWithProperties(StorageAccount, { name: resourceNames(prod).dataStorageAccount, public_network_access_enabled: false });
    expect(prodStack.json).toHaveResourceWithProperties(StorageAccount, { name: resourceNames(prod).packageStorageAccount, public_network_access_enabled: true });
  });

  test("the network and its subnets are the configuration's", () => {
    expect(prodStack.json).toHaveResourceWithProperties(VirtualNetwork, { name: resourceNames(prod).virtualNetwork, address_space: [network.addressSpace] });
    for (const subnet of Object.values(network.subnets)) expect(prodStack.json).toHaveResourceWithProperties(Subnet, { name: subnet.name, address_prefixes: [subnet.cidr] });
  });

  test("private endpoints: the namespace, the host account's blob, table and queue, and the data account's table", () => {
    const names = resourceNames(prod);
    const expected = [
      [names.serviceBusNamespace, 'namespace'],
      [names.hostStorageAccount, 'blob'],
      [names.hostStorageAccount, 'table'],
      [names.hostStorageAccount, 'queue'],
      [names.dataStorageAccount, 'table'],
    ];
    expect(Object.values(resourcesOf(prodStack.tf, 'azurerm_private_endpoint')).map((pe) => pe.name)).toEqual(expected.map(([target, subresource]) => `pe-${target}-${subresource}`));
  });

  test.each(ROLES)('the %s app calls out through its own subnet; its inbound stays open (no allow list configured)', (_, id) => {
    const app = resourceAt(prodStack.tf, 'azurerm_linux_function_app', `${id}/app`);
    expect(app.virtual_network_subnet_id).toBe(refTo(prodStack.tf, 'azurerm_subnet', `network/${id}-subnet`, 'id'));
    expect(app.site_config.vnet_route_all_enabled).toBe(true);
    expect(app.public_network_access_enabled).toBe(true);
    expect(app.site_config.ip_restriction).toBeUndefined();
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
    expect(outputs.api_base_url.value).toBe(`https://${refTo(prodStack.tf, 'azurerm_linux_function_app', 'order-api/app', 'default_hostname')}/api`);
    const text = JSON.stringify(outputs);
    expect(text).not.toMatch(/connection_string|primary_key|access_key|instrumentation_key|secret|sas/i);
  });
});
