import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { AppSetting, TABLE_NAME_PATTERN } from '../../functions/app-settings';
import { dev, environments, prod } from '../../lib/config/environments';
import { contains, overlaps, parseCidr } from '../../lib/config/cidr';
import { PRIVATE_ENDPOINTS } from '../../lib/config/private-link';
import type { EnvironmentConfig, NetworkConfig } from '../../lib/config/types';
import { DEDICATED_SKUS, ELASTIC_PREMIUM_SKUS, maxPlanInstances } from '../../lib/config/sections/apps';
import { RETENTION_DAYS } from '../../lib/config/sections/monitoring';
import { integrationAddressesNeeded, usableAddresses } from '../../lib/config/sections/network';
import { MESSAGING_UNITS } from '../../lib/config/sections/service-bus';
import { AVAILABILITY_TEST_TAG } from '../../lib/hosting';
import { APP_SERVICE_DELEGATION } from '../../lib/private-network';
import { durationSeconds, isCanonicalDuration } from '../../lib/config/durations';
import { isAutoscaleTimeZone } from '../../lib/config/time-zones';
import { remoteStateFromEnv, STATE_ENV } from '../../lib/state-backend';
import { prodOnDedicated } from '../helpers/environments';
import { MINIMUM_WEB_TEST_LOCATIONS, WEB_TEST_LOCATIONS } from '../../lib/availability-test';
import {
  fakeBundler,
  onlyResource,
  refTo,
  resourceAt,
  resourcesOf,
  synthEnvironment,
  type Synthesized,
  type TerraformJson,
} from '../helpers/synth';

/**
 * One test (or more) per item of the checklist in docs/first-deploy.md: each reads the synthesized
 * JSON the way azurerm 4.55 and Azure will read it, so that a later change cannot bring back a way in
 * which the first `cdktf deploy` fails or the second `cdktf diff` is not empty. Section numbers are
 * those of the checklist.
 */

/** Each environment's stack, and prod's Dedicated alternative: its plans, autoscale settings and sale profiles must deploy too. */
const stacks: Array<{ label: string; env: EnvironmentConfig; synthesized: Synthesized }> = [];
beforeAll(() => {
  for (const env of [...environments, prodOnDedicated])
    stacks.push({ label: env === prodOnDedicated ? 'prod-dedicated' : env.name, env, synthesized: synthEnvironment(env) });
});
const eachStack = (fn: (tf: TerraformJson, name: string) => void) => {
  for (const { env, synthesized } of stacks) fn(synthesized.tf, env.name);
};
const byName = (label: string) => stacks.find((s) => s.label === label)!.synthesized.tf;
/** Construct ids of the two apps (lib/orders-stack.ts APP_CONSTRUCT_IDS). */
const APP_IDS = ['order-api', 'order-processor'];
const apps = (tf: TerraformJson) => Object.values(resourcesOf(tf, 'azurerm_linux_function_app'));
/** The apps whose plan is a Dedicated (Premium v3) one, read through each app's plan reference. */
const dedicatedApps = (tf: TerraformJson) =>
  APP_IDS.filter((id) => !resourceAt(tf, 'azurerm_service_plan', `${id}/plan`).sku_name.startsWith('EP')).map((id) =>
    resourceAt(tf, 'azurerm_linux_function_app', `${id}/app`),
  );

/** Every value anywhere in a resource, with its path. */
function leaves(value: unknown, path = ''): Array<[string, unknown]> {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === '//' ? [] : leaves(v, path ? `${path}.${k}` : k)));
  }
  return [[path, value]];
}

describe('1. provider block', () => {
  test('features: template deployments keep their tables, storage accounts stay off the data plane', () => {
    eachStack((tf) => {
      const [azurerm] = tf.provider.azurerm;
      const [features] = azurerm.features;
      // Required by azurerm 4.55 (features.go); false so that destroying the table's deployment keeps the table.
      expect(features.template_deployment).toEqual([{ delete_nested_items_during_deletion: false }]);
      expect(features.storage).toEqual([{ data_plane_available: false }]);
      expect(azurerm.storage_use_azuread).toBe(true);
    });
  });

  test('dev destroys in one command although Azure adds resources to its group; prod keeps the guard', () => {
    // Application Insights makes Azure create a "Failure Anomalies" rule and an action group that
    // Terraform does not manage; with the guard on, deleting the resource group stops on them.
    const guard = (tf: TerraformJson) => tf.provider.azurerm[0].features[0].resource_group;
    expect(guard(byName('dev'))).toEqual([{ prevent_deletion_if_contains_resources: false }]);
    expect(guard(byName('prod'))).toEqual([{ prevent_deletion_if_contains_resources: true }]);
  });

  test('`features` is a list of blocks in the JSON (terraform-cdk#3774)', () => {
    eachStack((tf) => expect(Array.isArray(tf.provider.azurerm[0].features)).toBe(true));
  });

  test('the subscription comes from ARM_SUBSCRIPTION_ID, never from the config or the az CLI default', () => {
    eachStack((tf) => expect(tf.provider.azurerm[0].subscription_id).toBeUndefined());
  });

  test('Microsoft.ServiceBus is registered (the core set lacks it), with every other provider the stack uses', () => {
    eachStack((tf) => {
      const [azurerm] = tf.provider.azurerm;
      expect(azurerm.resource_provider_registrations).toBe('core');
      expect(azurerm.resource_providers_to_register).toEqual(
        expect.arrayContaining(['Microsoft.ServiceBus', 'Microsoft.Web', 'microsoft.insights', 'Microsoft.OperationalInsights']),
      );
    });
  });
});

describe('2. keyless storage', () => {
  test('no azurerm_storage_table (its ACL calls use the shared key); the table is an Incremental ARM deployment', () => {
    eachStack((tf) => {
      expect(tf.resource.azurerm_storage_table).toBeUndefined();
      const deployment = onlyResource(tf, 'azurerm_resource_group_template_deployment');
      expect(deployment.deployment_mode).toBe('Incremental');
      const template = JSON.parse(deployment.template_content);
      // Both tables in one deployment: the orders and the accept records, one name parameter each.
      expect(template.resources).toEqual([
        expect.objectContaining({
          type: 'Microsoft.Storage/storageAccounts/tableServices/tables',
          name: "[format('{0}/default/{1}', parameters('storageAccountName'), parameters('tableName'))]",
        }),
        expect.objectContaining({
          type: 'Microsoft.Storage/storageAccounts/tableServices/tables',
          name: "[format('{0}/default/{1}', parameters('storageAccountName'), parameters('acceptedTableName'))]",
        }),
      ]);
      expect(JSON.parse(deployment.parameters_content)).toEqual({
        storageAccountName: expect.any(Object),
        tableName: { value: 'orders' },
        acceptedTableName: { value: 'acceptedorders' },
      });
    });
  });

  test('the template reads back unchanged: PascalCase parameter types, every parameter given, no metadata or securestring', () => {
    eachStack((tf) => {
      const deployment = onlyResource(tf, 'azurerm_resource_group_template_deployment');
      const template = JSON.parse(deployment.template_content);
      const parameters = JSON.parse(deployment.parameters_content);
      expect(Object.values(template.parameters).map((p: any) => p.type)).toEqual(['String', 'String', 'String']);
      expect(Object.keys(parameters).sort()).toEqual(Object.keys(template.parameters).sort());
      for (const p of Object.values(parameters) as any[]) expect(Object.keys(p)).toEqual(['value']);
      expect(template.metadata).toBeUndefined();
      expect(deployment.template_content).not.toMatch(/securestring/i);
    });
  });

  test('production protects the table from destroy', () => {
    expect(onlyResource(byName('prod'), 'azurerm_resource_group_template_deployment').lifecycle).toEqual({ prevent_destroy: true });
  });

  test('containers are declared by storage_account_id (Resource Manager)', () => {
    eachStack((tf) => {
      for (const c of Object.values(resourcesOf(tf, 'azurerm_storage_container'))) {
        expect(c.storage_account_id).toMatch(/^\$\{azurerm_storage_account\.[^.]+\.id\}$/);
        expect(c.storage_account_name).toBeUndefined();
      }
    });
  });

  test('the deployer gets Storage Blob Data Contributor on each package container, and each upload waits for it', () => {
    eachStack((tf) => {
      for (const id of APP_IDS) {
        const grant = resourceAt(tf, 'azurerm_role_assignment', `${id}-package/deployer-can-upload`);
        expect(grant.role_definition_name).toBe('Storage Blob Data Contributor');
        const sleep = resourceAt(tf, 'time_sleep', `${id}-package/wait-for-upload-grant`);
        expect(sleep.create_duration).toMatch(/^\d+s$/);
        expect(resourceAt(tf, 'azurerm_storage_blob', `${id}-package/blob`).depends_on).toEqual([expect.stringMatching(/^time_sleep\./)]);
      }
    });
  });
});

describe('3. the package blob', () => {
  test('each named by its package hash, with content_md5 of the very file Terraform uploads', () => {
    const bundle = fakeBundler();
    eachStack((tf) => {
      const blobs = Object.values(resourcesOf(tf, 'azurerm_storage_blob'));
      expect(blobs).toHaveLength(2);
      for (const blob of blobs) {
        expect(blob.name).toBe(`functions-${bundle.sha256}.zip`);
        expect(blob.content_md5).toMatch(/^[0-9a-f]{32}$/); // lower-case hex, as azurerm converts it
        expect(blob.content_md5).toBe(createHash('md5').update(fs.readFileSync(bundle.zipPath)).digest('hex'));
      }
    });
  });

  test('create-before-destroy is safe because the name changes with the content (azurerm #33070 needs equal names)', () => {
    eachStack((tf) => {
      for (const blob of Object.values(resourcesOf(tf, 'azurerm_storage_blob'))) {
        expect(blob.lifecycle).toEqual({ create_before_destroy: true });
        expect(blob.name).toContain(fakeBundler().sha256);
      }
    });
  });

  test('the two apps use two containers: each blob name is unique within its own container', () => {
    eachStack((tf) => {
      const containers = Object.values(resourcesOf(tf, 'azurerm_storage_blob')).map((b) => b.storage_container_name);
      expect(new Set(containers).size).toBe(2);
    });
  });
});

describe('4. function app', () => {
  const PROVIDER_MANAGED = [
    'FUNCTIONS_WORKER_RUNTIME',
    'FUNCTIONS_EXTENSION_VERSION',
    'WEBSITE_NODE_DEFAULT_VERSION',
    'AzureWebJobsStorage',
    'AzureWebJobsStorage__accountName',
    'AzureWebJobsDashboard',
    'AzureWebJobsDashboard__accountName',
    'APPLICATIONINSIGHTS_CONNECTION_STRING',
    'APPINSIGHTS_INSTRUMENTATIONKEY',
    'WEBSITE_HEALTHCHECK_MAXPINGFAILURES',
    'WEBSITE_HTTPLOGGING_RETENTION_DAYS',
    'WEBSITE_CONTENTSHARE',
    'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
    'WEBSITE_VNET_ROUTE_ALL',
  ];

  test('never sets an app setting the provider writes itself (it would override it or diff forever)', () => {
    eachStack((tf) => {
      for (const app of apps(tf)) {
        const settings = Object.keys(app.app_settings);
        for (const key of PROVIDER_MANAGED) expect(settings).not.toContain(key);
      }
    });
  });

  test('always_on is explicit on a Dedicated plan (unset sends false and the queue trigger idles)', () => {
    let checked = 0;
    eachStack((tf) => {
      for (const app of dedicatedApps(tf)) {
        expect(app.site_config.always_on).toBe(true);
        checked++;
      }
    });
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  test('health check path and eviction time come together, eviction within 2..10', () => {
    eachStack((tf) => {
      for (const { site_config: site } of apps(tf)) {
        expect(site.health_check_path).toBe('/api/health');
        expect(site.health_check_eviction_time_in_min).toBeGreaterThanOrEqual(2);
        expect(site.health_check_eviction_time_in_min).toBeLessThanOrEqual(10);
      }
    });
  });

  test('no empty strings (azurerm rejects "" for optional ids and connection strings)', () => {
    eachStack((tf) => {
      for (const app of apps(tf)) {
        for (const [path, value] of leaves(app)) expect([path, value]).not.toEqual([path, '']);
      }
    });
  });

  test('no Elastic Premium knobs on a Dedicated plan', () => {
    eachStack((tf) => {
      for (const { site_config: site, content_share_force_disabled } of dedicatedApps(tf)) {
        expect(site.app_scale_limit).toBeUndefined();
        expect(site.elastic_instance_minimum).toBeUndefined();
        expect(site.worker_count).toBeUndefined();
        expect(site.pre_warmed_instance_count).toBeUndefined();
        expect(site.runtime_scale_monitoring_enabled).toBeUndefined();
        expect(content_share_force_disabled).toBeUndefined();
      }
    });
  });

  test('each app is created after every role assignment of its identity has had time to apply (azurerm never checks reachability)', () => {
    eachStack((tf) => {
      for (const id of APP_IDS) {
        const principal = refTo(tf, 'azurerm_user_assigned_identity', `${id}-identity/identity`, 'principal_id');
        const grants = Object.entries(resourcesOf(tf, 'azurerm_role_assignment'))
          .filter(([, r]) => r.principal_id === principal)
          .map(([key]) => `\${azurerm_role_assignment.${key}.id}`);
        expect(grants.length).toBeGreaterThanOrEqual(5);
        const sleeps = resourcesOf(tf, 'time_sleep');
        const [waitName, wait] = Object.entries(sleeps).find(
          ([, r]) => r === resourceAt(tf, 'time_sleep', `${id}-identity/wait-for-grants`),
        )!;
        // RBAC reaches the data planes minutes after the assignment exists: the app's first start waits.
        expect(Number(/^(\d+)s$/.exec(wait.create_duration)?.[1])).toBeGreaterThanOrEqual(60);
        expect(Object.values(wait.triggers).sort()).toEqual(grants.sort());
        // First the grants' wait; in a private stack also the network the app needs (checked below).
        expect(resourceAt(tf, 'azurerm_linux_function_app', `${id}/app`).depends_on[0]).toBe(`time_sleep.${waitName}`);
      }
    });
  });

  test('the Service Bus connection names the namespace by host name only', () => {
    eachStack((tf) => {
      for (const app of apps(tf))
        expect(app.app_settings[AppSetting.serviceBusNamespace]).toMatch(/^[a-z][a-z0-9-]+\.servicebus\.windows\.net$/);
    });
  });

  test('each app and its plan share a resource group of their own (a fresh webspace per plan)', () => {
    eachStack((tf) => {
      const groups = APP_IDS.map((id) => resourceAt(tf, 'azurerm_linux_function_app', `${id}/app`).resource_group_name);
      expect(new Set(groups).size).toBe(APP_IDS.length);
      for (const id of APP_IDS) {
        expect(resourceAt(tf, 'azurerm_service_plan', `${id}/plan`).resource_group_name).toBe(
          refTo(tf, 'azurerm_resource_group', `${id}/resource-group`, 'name'),
        );
      }
    });
  });
});

describe('5. plan', () => {
  const plans = (tf: TerraformJson) => Object.values(resourcesOf(tf, 'azurerm_service_plan'));

  test('sku_name spelled exactly as azurerm validates it', () => {
    eachStack((tf) => {
      for (const plan of plans(tf)) expect([...DEDICATED_SKUS, ...ELASTIC_PREMIUM_SKUS]).toContain(plan.sku_name);
    });
  });

  test('production: every plan zone balanced from creation with at least 2 instances, and never fewer afterwards', () => {
    for (const name of ['prod', 'prod-dedicated']) {
      const tf = byName(name);
      for (const id of APP_IDS) {
        const plan = resourceAt(tf, 'azurerm_service_plan', `${id}/plan`);
        expect(plan.zone_balancing_enabled).toBe(true);
        expect(plan.worker_count).toBeGreaterThanOrEqual(2);
        if (plan.sku_name.startsWith('EP')) {
          // Elastic Premium: the app's always-ready count, everyday and in every sale window.
          const app = resourceAt(tf, 'azurerm_linux_function_app', `${id}/app`);
          expect(app.site_config.elastic_instance_minimum).toBeGreaterThanOrEqual(2);
          const windows = JSON.parse(resourceAt(tf, 'azurerm_logic_app_workflow', `${id}-always-ready/workflow`).parameters.windows);
          for (const w of windows) expect(w.alwaysReady).toBeGreaterThanOrEqual(2);
        } else {
          const setting = resourceAt(tf, 'azurerm_monitor_autoscale_setting', `${id}-autoscale/setting`);
          for (const profile of setting.profile) expect(profile.capacity.minimum).toBeGreaterThanOrEqual(plan.worker_count);
        }
      }
    }
  });

  test('worker_count is ignored after creation on Dedicated plans; no App Service automatic scaling', () => {
    eachStack((tf) => {
      for (const plan of plans(tf).filter((p) => !p.sku_name.startsWith('EP'))) {
        expect(plan.lifecycle.ignore_changes).toEqual(['worker_count']);
        expect(plan.premium_plan_auto_scale_enabled).toBeUndefined();
        expect(plan.maximum_elastic_worker_count).toBeUndefined();
      }
    });
  });

  test('no per-site scaling: it would cap the app at site_config.worker_count whatever autoscale does to the plan', () => {
    eachStack((tf) => {
      for (const plan of plans(tf)) expect(plan.per_site_scaling_enabled).not.toBe(true);
      for (const app of apps(tf)) expect(app.site_config.worker_count).toBeUndefined();
    });
  });
});

describe('6. autoscale', () => {
  test('one setting per target', () => {
    eachStack((tf) => {
      const targets = Object.values(resourcesOf(tf, 'azurerm_monitor_autoscale_setting')).map((s) => s.target_resource_id);
      expect(new Set(targets).size).toBe(targets.length);
    });
  });

  test('at most 20 profiles, 10 rules each; explicit metric namespaces; no predictive', () => {
    eachStack((tf) => {
      for (const setting of Object.values(resourcesOf(tf, 'azurerm_monitor_autoscale_setting'))) {
        expect(setting.profile.length).toBeLessThanOrEqual(20);
        expect(setting.predictive).toBeUndefined();
        for (const profile of setting.profile) {
          expect(profile.rule.length).toBeLessThanOrEqual(10);
          expect(profile.recurrence).toBeUndefined();
          for (const rule of profile.rule)
            expect(rule.metric_trigger.metric_namespace).toMatch(/^microsoft\.(servicebus\/namespaces|web\/serverfarms)$/);
        }
      }
    });
  });

  test('fixed dates as YYYY-MM-DDTHH:mm:ssZ (no milliseconds) in a Windows time zone', () => {
    const setting = resourceAt(byName('prod-dedicated'), 'azurerm_monitor_autoscale_setting', 'order-processor-autoscale/setting');
    const fixed = setting.profile.filter((p: any) => p.fixed_date).map((p: any) => p.fixed_date);
    expect(fixed).toHaveLength(prod.saleWindows.length);
    for (const f of fixed) {
      expect(f.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(f.end).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(isAutoscaleTimeZone(f.timezone)).toBe(true);
    }
  });

  test('canonical ISO-8601 durations in every rule', () => {
    eachStack((tf) => {
      for (const setting of Object.values(resourcesOf(tf, 'azurerm_monitor_autoscale_setting'))) {
        for (const rule of setting.profile.flatMap((p: any) => p.rule)) {
          for (const d of [rule.metric_trigger.time_grain, rule.metric_trigger.time_window, rule.scale_action.cooldown])
            expect(isCanonicalDuration(d)).toBe(true);
        }
      }
    });
  });

  test('Premium messaging units step by ServiceAllowedNextValue, value 1, within 1/2/4/8/16', () => {
    const setting = resourceAt(byName('prod'), 'azurerm_monitor_autoscale_setting', 'messaging-unit-autoscale/setting');
    const { capacity } = setting.profile[0];
    for (const n of [capacity.minimum, capacity.default, capacity.maximum]) expect(MESSAGING_UNITS).toContain(n);
    for (const rule of setting.profile[0].rule) expect(rule.scale_action).toMatchObject({ type: 'ServiceAllowedNextValue', value: 1 });
  });

  test('each setting waits for its metrics to exist (UnsupportedMetric on a new plan, azurerm #22160)', () => {
    eachStack((tf) => {
      for (const setting of Object.values(resourcesOf(tf, 'azurerm_monitor_autoscale_setting'))) {
        const [wait] = setting.depends_on;
        expect(wait).toMatch(/^time_sleep\./);
        const sleep = resourcesOf(tf, 'time_sleep')[wait.split('.')[1]];
        expect(sleep.create_duration).toMatch(/^\d+s$/);
        const waitsFor: string[] = sleep.depends_on;
        expect(waitsFor.some((d) => d.startsWith('azurerm_servicebus_namespace.'))).toBe(true);
        if (/order-(api|processor)-autoscale\/setting$/.test(String(setting['//']?.metadata?.path)))
          expect(waitsFor.some((d) => d.startsWith('azurerm_service_plan.'))).toBe(true);
      }
    });
  });

  test('autoscale dimensions use Equals (metric alerts use Include)', () => {
    const setting = resourceAt(byName('prod-dedicated'), 'azurerm_monitor_autoscale_setting', 'order-processor-autoscale/setting');
    const dims = setting.profile.flatMap((p: any) => p.rule).flatMap((r: any) => r.metric_trigger.dimensions ?? []);
    expect(dims.length).toBeGreaterThan(0);
    for (const d of dims) expect(['Equals', 'NotEquals']).toContain(d.operator);
  });
});

describe('7. metric alerts and the action group', () => {
  const FREQUENCIES = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H'];
  const WINDOWS = ['PT1M', 'PT5M', 'PT15M', 'PT30M', 'PT1H', 'PT6H', 'PT12H', 'P1D'];

  test('dimension operators Include/Exclude/StartsWith; frequency and window from the allowed lists, window >= frequency', () => {
    eachStack((tf) => {
      for (const alert of Object.values(resourcesOf(tf, 'azurerm_monitor_metric_alert'))) {
        expect(FREQUENCIES).toContain(alert.frequency);
        expect(WINDOWS).toContain(alert.window_size);
        expect(durationSeconds(alert.window_size)).toBeGreaterThanOrEqual(durationSeconds(alert.frequency)!);
        if (alert.application_insights_web_test_location_availability_criteria) {
          // Web-test criteria take the component and the test (section 14); no target type needed.
          expect(alert.scopes).toHaveLength(2);
          continue;
        }
        for (const d of alert.criteria.flatMap((c: any) => c.dimension ?? []))
          expect(['Include', 'Exclude', 'StartsWith']).toContain(d.operator);
        // One resource per static-criteria alert: more scopes would need target_resource_type and location.
        expect(alert.scopes).toHaveLength(1);
      }
    });
  });

  test('gauges use Maximum/Minimum, counters Total', () => {
    eachStack((tf) => {
      for (const alert of Object.values(resourcesOf(tf, 'azurerm_monitor_metric_alert')).filter((a) => a.criteria)) {
        const [c] = alert.criteria;
        expect(c.aggregation).toBe(
          { ActiveMessages: 'Minimum', DeadletteredMessages: 'Maximum', Http5xx: 'Total', RunsFailed: 'Total' }[c.metric_name as string],
        );
      }
    });
  });

  test('action group: short name at most 12 characters, location global', () => {
    eachStack((tf) => {
      const group = onlyResource(tf, 'azurerm_monitor_action_group');
      expect(group.short_name.length).toBeLessThanOrEqual(12);
      expect(group.location).toBe('global');
    });
  });

  test("alerts survive Azure's casing of the action group id (azurerm #22000) and follow a replaced group", () => {
    eachStack((tf) => {
      const groupId = Object.keys(resourcesOf(tf, 'azurerm_monitor_action_group'))[0];
      for (const alert of Object.values(resourcesOf(tf, 'azurerm_monitor_metric_alert'))) {
        expect(alert.lifecycle.ignore_changes).toEqual(['action']);
        expect(alert.lifecycle.replace_triggered_by).toEqual([`azurerm_monitor_action_group.${groupId}.id`]);
      }
    });
  });

  test('every tag key is lower-case (alerts read them back lower-cased)', () => {
    eachStack((tf) => {
      for (const resources of Object.values(tf.resource)) {
        for (const r of Object.values(resources)) {
          for (const key of Object.keys(r.tags ?? {})) expect(key).toBe(key.toLowerCase());
        }
      }
    });
  });
});

describe('8. role assignments', () => {
  test('scopes are ARM ids from resources (container, table path), never a blob or a data-plane URL', () => {
    eachStack((tf) => {
      for (const r of Object.values(resourcesOf(tf, 'azurerm_role_assignment'))) {
        expect(r.scope).toMatch(/^\$\{azurerm_[a-z_]+\.[^.]+\.id\}(\/tableServices\/default\/tables\/[A-Za-z0-9]+)?$/);
        expect(r.scope).not.toMatch(/azurerm_storage_blob|https:\/\//);
      }
    });
  });

  test.each([
    ['order-processor-identity/record-orders', 'orders', 'Storage Table Data Contributor'],
    ['order-processor-identity/read-acceptances', 'acceptedorders', 'Storage Table Data Reader'],
    ['order-api-identity/read-orders', 'orders', 'Storage Table Data Reader'],
    ['order-api-identity/record-acceptances', 'acceptedorders', 'Storage Table Data Contributor'],
  ])(
    "the table-scoped grant %s waits for the table deployment (the scope string does not reference it), in Azure's casing",
    (grantPath, table, role) => {
      eachStack((tf) => {
        const grant = resourceAt(tf, 'azurerm_role_assignment', grantPath);
        // Azure stores the scope as written and answers with this casing: any difference replaces the grant on every plan.
        expect(grant.scope).toBe(
          `${refTo(tf, 'azurerm_storage_account', 'data/data/account', 'id')}/tableServices/default/tables/${table}`,
        );
        expect(grant.role_definition_name).toBe(role);
        expect(grant.depends_on).toEqual([expect.stringMatching(/^azurerm_resource_group_template_deployment\./)]);
      });
    },
  );

  test('table names follow the Table service rule (3-63 letters and digits, starting with a letter), as the app checks them', () => {
    const template = JSON.parse(onlyResource(byName('prod'), 'azurerm_resource_group_template_deployment').parameters_content);
    for (const name of [template.tableName.value, template.acceptedTableName.value]) expect(name).toMatch(TABLE_NAME_PATTERN);
  });

  test('principal_type ServicePrincipal for the managed identity only; never for the deployer, who may be a user', () => {
    eachStack((tf) => {
      const principals = [
        ...APP_IDS.map((id) => refTo(tf, 'azurerm_user_assigned_identity', `${id}-identity/identity`, 'principal_id')),
        // The always-ready schedules' system-assigned identities.
        ...Object.keys(resourcesOf(tf, 'azurerm_logic_app_workflow')).map(
          (key) => `\${azurerm_logic_app_workflow.${key}.identity[0].principal_id}`,
        ),
      ];
      for (const r of Object.values(resourcesOf(tf, 'azurerm_role_assignment'))) {
        if (principals.includes(r.principal_id)) expect(r.principal_type).toBe('ServicePrincipal');
        else expect(r.principal_type).toBeUndefined();
      }
    });
  });
});

describe('9. Service Bus', () => {
  test('Premium: one partition and valid messaging units; Standard: neither', () => {
    const premium = onlyResource(byName('prod'), 'azurerm_servicebus_namespace');
    expect([1, 2, 4]).toContain(premium.premium_messaging_partitions);
    expect(MESSAGING_UNITS).toContain(premium.capacity);
    const standard = onlyResource(byName('dev'), 'azurerm_servicebus_namespace');
    expect(standard.premium_messaging_partitions).toBeUndefined();
    expect(standard.capacity).toBeUndefined();
  });

  test('queue partitioning is off with one Premium partition; express off on Premium', () => {
    const queue = onlyResource(byName('prod'), 'azurerm_servicebus_queue');
    expect(queue.partitioning_enabled).toBe(false);
    expect(queue.express_enabled).toBe(false);
  });

  test('no max_message_size_in_kilobytes on Standard (256 fails plan, others fail apply)', () => {
    expect(onlyResource(byName('dev'), 'azurerm_servicebus_queue').max_message_size_in_kilobytes).toBeUndefined();
  });

  test('canonical durations on the queue', () => {
    eachStack((tf) => {
      const q = onlyResource(tf, 'azurerm_servicebus_queue');
      for (const d of [q.lock_duration, q.default_message_ttl, q.duplicate_detection_history_time_window])
        expect(isCanonicalDuration(d)).toBe(true);
    });
  });

  test('no network_rule_set in either posture, whose own public access flag would override the namespace flag (azurerm #31059)', () => {
    eachStack((tf, name) => {
      const ns = onlyResource(tf, 'azurerm_servicebus_namespace');
      // Removing a block once applied sends a reset without the flag, so it is never written at all.
      expect(ns.network_rule_set).toBeUndefined();
      expect(ns.public_network_access_enabled).toBe(environments.find((e) => e.name === name)!.network.kind === 'public');
    });
  });

  test('the namespace is protected from destroy in production', () => {
    expect(onlyResource(byName('prod'), 'azurerm_servicebus_namespace').lifecycle.prevent_destroy).toBe(true);
    expect(onlyResource(byName('dev'), 'azurerm_servicebus_namespace').lifecycle.prevent_destroy).toBe(false);
  });
});

describe('10. Log Analytics and Application Insights', () => {
  test('retention within 30..730 and from the Application Insights list; application_type fixed', () => {
    eachStack((tf) => {
      const law = onlyResource(tf, 'azurerm_log_analytics_workspace');
      expect(law.retention_in_days).toBeGreaterThanOrEqual(30);
      expect(law.retention_in_days).toBeLessThanOrEqual(730);
      const appi = onlyResource(tf, 'azurerm_application_insights');
      expect(RETENTION_DAYS).toContain(appi.retention_in_days);
      expect(appi.application_type).toBe('web');
    });
  });
});

describe('11. the second diff is empty', () => {
  test('synth is deterministic: the same config gives the same JSON', () => {
    for (const env of [dev, prod]) expect(synthEnvironment(env, { fresh: true }).json).toBe(synthEnvironment(env).json);
  });

  test('Terraform ignores what Azure changes on its own: plan workers, messaging units', () => {
    for (const id of APP_IDS)
      expect(resourceAt(byName('prod'), 'azurerm_service_plan', `${id}/plan`).lifecycle.ignore_changes).toContain('worker_count');
    expect(onlyResource(byName('prod'), 'azurerm_servicebus_namespace').lifecycle.ignore_changes).toContain('capacity');
  });

  test('storage accounts carry no network_rules block (Allow with no rules reads back empty)', () => {
    eachStack((tf) => {
      for (const a of Object.values(resourcesOf(tf, 'azurerm_storage_account'))) expect(a.network_rules).toBeUndefined();
    });
  });
});

describe('13. workbooks (application_insights_workbook_resource.go)', () => {
  const workbooks = (tf: TerraformJson) => Object.values(resourcesOf(tf, 'azurerm_application_insights_workbook'));

  test('name is a lower-case GUID (IsUUID and StringDoesNotContainUpperCaseLetter), the same on every synth', () => {
    eachStack((tf) => {
      for (const w of workbooks(tf)) expect(w.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });
    expect(onlyResource(synthEnvironment(prod, { fresh: true }).tf, 'azurerm_application_insights_workbook').name).toBe(
      onlyResource(byName('prod'), 'azurerm_application_insights_workbook').name,
    );
  });

  test("source_id is lower-cased (Azure stores it lower-case; an ARM id has capitals, and an unknown one escapes the provider's check)", () => {
    eachStack((tf) => {
      for (const w of workbooks(tf))
        expect(w.source_id).toBe(`\${lower(${refTo(tf, 'azurerm_application_insights', 'monitoring/app-insights', 'id').slice(2, -1)})}`);
    });
  });

  test('no hidden-title tag (the provider refuses it; Azure adds one and the provider drops it on read)', () => {
    eachStack((tf) => {
      for (const w of workbooks(tf)) expect(Object.keys(w.tags ?? {})).not.toContain('hidden-title');
    });
  });

  test('data_json is JSON (StringIsJSON) of a Notebook/1.0 workbook; category and display name set', () => {
    eachStack((tf) => {
      for (const w of workbooks(tf)) {
        const data = JSON.parse(w.data_json);
        expect(data.version).toBe('Notebook/1.0');
        expect(data.items.length).toBeGreaterThan(0);
        expect(w.category).toBe('workbook');
        expect(w.display_name).toMatch(/\S/);
        // No Terraform template directive: %{ inside data_json would be read as one.
        expect(w.data_json).not.toContain('%{');
      }
    });
  });
});

describe('14. standard web tests (application_insights_standard_web_test_resource.go)', () => {
  const webTests = (tf: TerraformJson) => Object.values(resourcesOf(tf, 'azurerm_application_insights_standard_web_test'));

  test('enabled and retry_enabled explicit (no default: unset sends false, the test would be created off)', () => {
    eachStack((tf) => {
      for (const t of webTests(tf)) expect([t.enabled, t.retry_enabled]).toEqual([true, true]);
    });
  });

  test('no hidden-link tag in config (the provider adds it on create and update and strips every hidden-link tag on read)', () => {
    eachStack((tf) => {
      for (const t of webTests(tf)) expect(Object.keys(t.tags ?? {}).filter((k) => k.startsWith('hidden-link'))).toEqual([]);
    });
  });

  test('at least five known geo locations, in the lower-case form the provider stores', () => {
    const known = Object.values(WEB_TEST_LOCATIONS) as string[];
    eachStack((tf) => {
      for (const t of webTests(tf)) {
        expect(t.geo_locations.length).toBeGreaterThanOrEqual(MINIMUM_WEB_TEST_LOCATIONS);
        for (const l of t.geo_locations) expect([l, known.includes(l), l === l.toLowerCase().replace(/\s/g, '')]).toEqual([l, true, true]);
        expect(new Set(t.geo_locations).size).toBe(t.geo_locations.length);
      }
    });
  });

  test('frequency from 300/600/900, the location of Application Insights, and the component by id', () => {
    eachStack((tf) => {
      const appi = onlyResource(tf, 'azurerm_application_insights');
      for (const t of webTests(tf)) {
        expect([300, 600, 900]).toContain(t.frequency);
        expect(t.location).toBe(appi.location);
        expect(t.application_insights_id).toBe(refTo(tf, 'azurerm_application_insights', 'monitoring/app-insights', 'id'));
      }
    });
  });

  test('validation rules set in full (Azure returns them), SSL checks only on an https URL (CustomizeDiff), no dependent-request parsing', () => {
    eachStack((tf) => {
      for (const t of webTests(tf)) {
        expect(t.request.url).toMatch(/^https:\/\/\$\{azurerm_linux_function_app\.[^}]+\.default_hostname\}\/api\/health$/);
        expect(t.request.parse_dependent_requests_enabled).toBe(false);
        expect(t.validation_rules).toMatchObject({ expected_status_code: 200, ssl_check_enabled: true });
        expect(t.validation_rules.ssl_cert_remaining_lifetime).toBeGreaterThanOrEqual(1);
        expect(t.validation_rules.ssl_cert_remaining_lifetime).toBeLessThanOrEqual(365);
      }
    });
  });

  test('its alert uses the web-test criteria with the component and the test in scope, failing locations = locations - 2', () => {
    eachStack((tf) => {
      const [testKey, test] = Object.entries(resourcesOf(tf, 'azurerm_application_insights_standard_web_test'))[0];
      const alert = Object.values(resourcesOf(tf, 'azurerm_monitor_metric_alert')).find(
        (a) => a.application_insights_web_test_location_availability_criteria,
      )!;
      const component = refTo(tf, 'azurerm_application_insights', 'monitoring/app-insights', 'id');
      const webTestId = `\${azurerm_application_insights_standard_web_test.${testKey}.id}`;
      expect(alert.application_insights_web_test_location_availability_criteria).toEqual({
        web_test_id: webTestId,
        component_id: component,
        failed_location_count: test.geo_locations.length - 2,
      });
      expect(alert.scopes).toEqual([component, webTestId]);
      // Exactly one kind of criteria (ExactlyOneOf).
      expect(alert.criteria).toBeUndefined();
      expect(alert.dynamic_criteria).toBeUndefined();
    });
  });
});

describe('12. provider version', () => {
  test('azurerm >= 4.57 (the function app read panic is fixed there), < 5.0', () => {
    eachStack((tf) => expect(tf.terraform.required_providers.azurerm.version).toBe('>= 4.57, < 5.0'));
  });
});

describe('state', () => {
  test('local state by a relative path: nothing names the machine that synthesized it', () => {
    eachStack((tf, name) => expect(tf.terraform.backend).toEqual({ local: { path: `../../../terraform.orders-${name}.tfstate` } }));
  });

  test('remote state is configured by the environment variables the README documents, and only by them', () => {
    expect(remoteStateFromEnv({})).toBeUndefined();
    expect(remoteStateFromEnv({ [STATE_ENV.storageAccount]: 'stordersstate' })).toEqual({
      storageAccountName: 'stordersstate',
      containerName: 'tfstate',
      resourceGroupName: undefined,
    });
    expect(
      remoteStateFromEnv({
        [STATE_ENV.storageAccount]: 'stordersstate',
        [STATE_ENV.container]: 'state',
        [STATE_ENV.resourceGroup]: 'rg-state',
      }),
    ).toEqual({
      storageAccountName: 'stordersstate',
      containerName: 'state',
      resourceGroupName: 'rg-state',
    });
  });

  test('a bad remote state setting fails synth naming the variable, the value and what is allowed', () => {
    expect(() => remoteStateFromEnv({ [STATE_ENV.storageAccount]: 'Orders-State' })).toThrow(
      /ORDERS_STATE_STORAGE_ACCOUNT = "Orders-State" is not allowed: expected a storage account name/,
    );
    expect(() => remoteStateFromEnv({ [STATE_ENV.storageAccount]: 'stordersstate', [STATE_ENV.container]: 'tf--state' })).toThrow(
      /ORDERS_STATE_CONTAINER = "tf--state" is not allowed/,
    );
  });

  test('remote state: the azurerm backend with Entra ID, one key per stack', () => {
    const { tf } = synthEnvironment(prod, { remoteState: { storageAccountName: 'stordersstate', containerName: 'tfstate' } });
    expect(tf.terraform.backend).toEqual({
      azurerm: { storage_account_name: 'stordersstate', container_name: 'tfstate', key: 'orders-prod.tfstate', use_azuread_auth: true },
    });
  });
});

/** Both apps on EP1, as an environment may choose. */
const elastic = {
  kind: 'elasticPremium',
  sku: 'EP1',
  zoneBalancing: true,
  alwaysReady: 3,
  maximumBurst: 30,
  appScaleLimit: 20,
  prewarmed: 1,
} as const;
let elasticProdTf: TerraformJson | undefined;
/** prod (private) with both apps on Elastic Premium, synthesized once for the suites that read it. */
const elasticSaleWindows = prod.saleWindows.map((w) => ({ ...w, minimumInstances: { orderApi: 3, orderProcessor: 4 } }));
const elasticProd = () =>
  (elasticProdTf ??= synthEnvironment({
    ...prod,
    apps: { orderApi: elastic, orderProcessor: elastic },
    saleWindows: elasticSaleWindows,
  }).tf);

describe('4b. Elastic Premium (both apps on EP1, as an environment may choose)', () => {
  let tf: TerraformJson;
  beforeAll(() => {
    tf = elasticProd();
  });
  const app = (id: string) => resourceAt(tf, 'azurerm_linux_function_app', `${id}/app`);
  const plan = (id: string) => resourceAt(tf, 'azurerm_service_plan', `${id}/plan`);

  test('always_on is false (Always On on Premium only causes needless scale-out), sent explicitly', () => {
    for (const id of APP_IDS) expect(app(id).site_config.always_on).toBe(false);
  });

  test('pre_warmed_instance_count is explicit (azurerm sends 0 on create when it is unset)', () => {
    for (const id of APP_IDS) expect(app(id).site_config.pre_warmed_instance_count).toBeGreaterThanOrEqual(1);
  });

  test('no Azure Files content share: forced off, no WEBSITE_CONTENT* setting, host storage by identity', () => {
    for (const id of APP_IDS) {
      expect(app(id).content_share_force_disabled).toBe(true);
      expect(app(id).storage_uses_managed_identity).toBe(true);
      expect(Object.keys(app(id).app_settings).filter((k) => k.startsWith('WEBSITE_CONTENT'))).toEqual([]);
      expect(app(id).app_settings.WEBSITE_RUN_FROM_PACKAGE).toMatch(/^\$\{azurerm_storage_blob\./);
    }
  });

  test('always-ready, app scale limit and maximum burst are sent together and consistent', () => {
    for (const id of APP_IDS) {
      const site = app(id).site_config;
      expect(site.elastic_instance_minimum).toBe(3);
      expect(site.app_scale_limit).toBeLessThanOrEqual(plan(id).maximum_elastic_worker_count);
    }
  });

  test("the plan is zone-redundant from creation, its capacity the app's always-ready count, left to Azure afterwards", () => {
    for (const id of APP_IDS) {
      expect(plan(id)).toMatchObject({
        sku_name: 'EP1',
        zone_balancing_enabled: true,
        worker_count: 3,
        maximum_elastic_worker_count: 30,
        lifecycle: { ignore_changes: ['worker_count'] },
      });
      expect(plan(id).premium_plan_auto_scale_enabled).toBeUndefined();
    }
  });

  test('no Azure Monitor autoscale setting targets an Elastic Premium plan (the scale controller owns it)', () => {
    const targets = Object.values(resourcesOf(tf, 'azurerm_monitor_autoscale_setting')).map((s) => s.target_resource_id);
    for (const id of APP_IDS) expect(targets).not.toContain(refTo(tf, 'azurerm_service_plan', `${id}/plan`, 'id'));
  });

  test("the processor's identity may read the queue length (Data Owner, the only role with Manage), on the queue only", () => {
    const grant = resourceAt(tf, 'azurerm_role_assignment', 'order-processor-identity/receive-orders');
    expect(grant).toMatchObject({
      role_definition_name: 'Azure Service Bus Data Owner',
      scope: refTo(tf, 'azurerm_servicebus_queue', 'messaging/queue', 'id'),
    });
    expect(resourceAt(tf, 'azurerm_role_assignment', 'order-api-identity/send-orders').role_definition_name).toBe(
      'Azure Service Bus Data Sender',
    );
  });

  test('with sale windows, a schedule owns the always-ready count: Terraform ignores its later changes', () => {
    for (const id of APP_IDS) {
      expect(app(id).lifecycle).toEqual({ ignore_changes: ['site_config[0].elastic_instance_minimum'] });
      expect(resourceAt(tf, 'azurerm_logic_app_workflow', `${id}-always-ready/workflow`).parameters.everyday).toBe('3');
    }
    const withoutWindows = synthEnvironment({ ...prod, apps: { orderApi: elastic, orderProcessor: elastic }, saleWindows: [] }).tf;
    expect(resourcesOf(withoutWindows, 'azurerm_logic_app_workflow')).toEqual({});
    expect(resourceAt(withoutWindows, 'azurerm_linux_function_app', 'order-processor/app').lifecycle).toBeUndefined();
  });

  test("each window's wall-clock start in its time zone becomes the instant the schedule compares", () => {
    const windows = JSON.parse(resourceAt(tf, 'azurerm_logic_app_workflow', 'order-processor-always-ready/workflow').parameters.windows);
    expect(windows[0]).toEqual({ name: 'black-friday-2026', start: '2026-11-27T03:00:00Z', end: '2026-11-28T01:00:00Z', alwaysReady: 4 });
  });

  test('a failed schedule run pages on-call (a sale minimum may not hold)', () => {
    const alerts = Object.values(resourcesOf(tf, 'azurerm_monitor_metric_alert')).filter(
      (a) => a.criteria?.[0].metric_name === 'RunsFailed',
    );
    expect(alerts.map((a) => a.scopes[0]).sort()).toEqual(
      APP_IDS.map((id) => refTo(tf, 'azurerm_logic_app_workflow', `${id}-always-ready/workflow`, 'id')).sort(),
    );
    for (const a of alerts)
      expect(a.criteria[0]).toMatchObject({
        metric_namespace: 'Microsoft.Logic/workflows',
        aggregation: 'Total',
        operator: 'GreaterThan',
        threshold: 0,
      });
  });

  test('Microsoft.Logic is registered with the other resource providers', () => {
    expect(tf.provider.azurerm[0].resource_providers_to_register).toContain('Microsoft.Logic');
  });
});

/** prod's private network (the tests below read it as the synthesized JSON states it). */
const prodNetwork = prod.network as Extract<NetworkConfig, { kind: 'private' }>;
const ROLES = [
  ['orderApi', 'order-api'],
  ['orderProcessor', 'order-processor'],
] as const;
/** A reference to another resource's id, as Terraform resolves it: never a hand-built id (casing, ForceNew). */
const idRef = (type: string) => new RegExp(`^\\$\\{${type}\\.[^.}]+\\.id\\}$`);
const keyOf = (tf: TerraformJson, type: string, resource: Record<string, any>) =>
  Object.entries(resourcesOf(tf, type)).find(([, r]) => r === resource)![0];

describe('private networking: the virtual network and its subnets', () => {
  const tf = () => byName('prod');
  const subnets = () => resourcesOf(tf(), 'azurerm_subnet');
  const subnetAt = (id: string) => resourceAt(tf(), 'azurerm_subnet', `network/${id}-subnet`);

  test('a public environment has no network resources at all; a private one has exactly its network', () => {
    const NETWORK_TYPES = [
      'azurerm_virtual_network',
      'azurerm_subnet',
      'azurerm_network_security_group',
      'azurerm_network_security_rule',
      'azurerm_subnet_network_security_group_association',
      'azurerm_private_endpoint',
      'azurerm_private_dns_zone',
      'azurerm_private_dns_zone_virtual_network_link',
    ];
    for (const type of NETWORK_TYPES) expect([type, byName('dev').resource[type]]).toEqual([type, undefined]);
    expect(Object.keys(resourcesOf(tf(), 'azurerm_virtual_network'))).toHaveLength(1);
    expect(Object.keys(subnets())).toHaveLength(3);
    expect(Object.keys(resourcesOf(tf(), 'azurerm_private_endpoint'))).toHaveLength(PRIVATE_ENDPOINTS.length);
  });

  test('the network declares no inline subnet (never `subnet: []`, which removes the standalone ones) and no DNS servers (Azure DNS serves the private zones)', () => {
    const vnet = onlyResource(tf(), 'azurerm_virtual_network');
    expect(vnet).not.toHaveProperty('subnet');
    expect(vnet).not.toHaveProperty('dns_servers');
    expect(vnet.address_space).toEqual([prodNetwork.addressSpace]);
  });

  test('one integration subnet per plan, delegated to Microsoft.Web/serverFarms with exactly the action Azure sets (actions is not computed: leaving it out diffs forever)', () => {
    for (const [, id] of ROLES) {
      const subnet = subnetAt(id);
      expect(subnet.delegation).toEqual([
        {
          name: expect.stringMatching(/^[a-z-]+$/),
          service_delegation: { name: 'Microsoft.Web/serverFarms', actions: ['Microsoft.Network/virtualNetworks/subnets/action'] },
        },
      ]);
      expect(APP_SERVICE_DELEGATION.name).toBe(subnet.delegation[0].service_delegation.name); // the spelling azurerm validates, case-sensitive
    }
    const integration = ROLES.map(([, id]) => resourceAt(tf(), 'azurerm_linux_function_app', `${id}/app`).virtual_network_subnet_id);
    expect(new Set(integration).size).toBe(ROLES.length);
  });

  test('the endpoint subnet: no delegation, NSG enforcement on endpoint traffic, and no app integrates with it', () => {
    const subnet = subnetAt('private-endpoints');
    expect(subnet.delegation).toBeUndefined();
    expect(['Disabled', 'Enabled', 'NetworkSecurityGroupEnabled', 'RouteTableEnabled']).toContain(subnet.private_endpoint_network_policies);
    expect(subnet.private_endpoint_network_policies).toBe('NetworkSecurityGroupEnabled');
    const endpointSubnetId = refTo(tf(), 'azurerm_subnet', 'network/private-endpoints-subnet', 'id');
    for (const app of apps(tf())) expect(app.virtual_network_subnet_id).not.toBe(endpointSubnetId);
    for (const pe of Object.values(resourcesOf(tf(), 'azurerm_private_endpoint'))) expect(pe.subnet_id).toBe(endpointSubnetId);
  });

  test('every subnet: one prefix inside the address space, no overlap, default outbound access written explicitly, no service endpoints', () => {
    const space = parseCidr(prodNetwork.addressSpace);
    const all = Object.values(subnets());
    for (const subnet of all) {
      expect(subnet.address_prefixes).toHaveLength(1);
      expect(contains(space, parseCidr(subnet.address_prefixes[0]))).toBe(true);
      // azurerm always sends its default (true); written, so the posture is reviewable.
      expect(typeof subnet.default_outbound_access_enabled).toBe('boolean');
      expect(subnet.service_endpoints).toBeUndefined();
      expect(subnet.virtual_network_name).toMatch(/^\$\{azurerm_virtual_network\.[^.]+\.name\}$/);
    }
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++)
        expect(overlaps(parseCidr(all[i].address_prefixes[0]), parseCidr(all[j].address_prefixes[0]))).toBe(false);
    }
  });

  test("each integration subnet holds twice its plan's maximum instances (a delegated subnet in use cannot be resized)", () => {
    for (const [role, id] of ROLES) {
      const cidr = parseCidr(subnetAt(id).address_prefixes[0]);
      expect(usableAddresses(cidr)).toBeGreaterThanOrEqual(integrationAddressesNeeded(maxPlanInstances(prod.apps[role])));
    }
    expect(usableAddresses(parseCidr(subnetAt('private-endpoints').address_prefixes[0]))).toBeGreaterThanOrEqual(PRIVATE_ENDPOINTS.length);
  });

  test('every network name is lower-case (subnet, endpoint and link ids are stored verbatim; a case change replaces them)', () => {
    for (const type of [
      'azurerm_virtual_network',
      'azurerm_subnet',
      'azurerm_network_security_group',
      'azurerm_private_endpoint',
      'azurerm_private_dns_zone',
    ]) {
      for (const r of Object.values(resourcesOf(tf(), type))) expect([type, r.name]).toEqual([type, r.name.toLowerCase()]);
    }
    expect(resourceAt(tf(), 'azurerm_resource_group', 'orders-prod/resource-group').name).toMatch(/^[a-z0-9-]+$/);
  });
});

describe('private networking: network security groups', () => {
  const tf = () => byName('prod');
  const rulesOf = (nsgKey: string) =>
    Object.values(resourcesOf(tf(), 'azurerm_network_security_rule')).filter(
      (r) => r.network_security_group_name === `\${azurerm_network_security_group.${nsgKey}.name}`,
    );

  test('every subnet carries exactly one NSG, through an association by id (Checkov CKV2_AZURE_31)', () => {
    const associations = Object.values(resourcesOf(tf(), 'azurerm_subnet_network_security_group_association'));
    const subnetIds = Object.keys(resourcesOf(tf(), 'azurerm_subnet')).map((k) => `\${azurerm_subnet.${k}.id}`);
    expect(associations.map((a) => a.subnet_id).sort()).toEqual(subnetIds.sort());
    for (const a of associations) expect(a.network_security_group_id).toMatch(idRef('azurerm_network_security_group'));
    expect(new Set(associations.map((a) => a.network_security_group_id)).size).toBe(associations.length);
  });

  test("rules are their own resources (the group's inline security_rule is computed and would fight them), each associated only once all its rules exist", () => {
    for (const [key, nsg] of Object.entries(resourcesOf(tf(), 'azurerm_network_security_group'))) {
      expect(nsg.security_rule).toBeUndefined();
      const rules = rulesOf(key);
      expect(rules.length).toBeGreaterThan(0);
      const association = Object.values(resourcesOf(tf(), 'azurerm_subnet_network_security_group_association')).find(
        (a) => a.network_security_group_id === `\${azurerm_network_security_group.${key}.id}`,
      )!;
      expect([...association.depends_on].sort()).toEqual(
        rules.map((r) => `azurerm_network_security_rule.${keyOf(tf(), 'azurerm_network_security_rule', r)}`).sort(),
      );
    }
  });

  test('rules as azurerm validates and Azure reads back: priority 100..4096 and unique per group and direction, a source port, casing of protocol, access and direction, one of port range or ranges', () => {
    for (const key of Object.keys(resourcesOf(tf(), 'azurerm_network_security_group'))) {
      const rules = rulesOf(key);
      for (const direction of ['Inbound', 'Outbound']) {
        const priorities = rules.filter((r) => r.direction === direction).map((r) => r.priority);
        expect(new Set(priorities).size).toBe(priorities.length);
      }
      for (const r of rules) {
        expect(r.priority).toBeGreaterThanOrEqual(100);
        expect(r.priority).toBeLessThanOrEqual(4096);
        expect(r.source_port_range).toBe('*');
        expect(['Tcp', 'Udp', 'Icmp', '*']).toContain(r.protocol);
        expect(['Allow', 'Deny']).toContain(r.access);
        expect(['Inbound', 'Outbound']).toContain(r.direction);
        expect([r.destination_port_range, r.destination_port_ranges].filter((v) => v !== undefined)).toHaveLength(1);
        expect(r.description.length).toBeLessThanOrEqual(140);
      }
    }
  });

  test('integration subnets: outbound rules name each flow the apps need (the endpoints on HTTPS and AMQP, Azure Monitor, the package account); no inbound rule (it would not apply)', () => {
    for (const [role, id] of ROLES) {
      const nsgKey = keyOf(tf(), 'azurerm_network_security_group', resourceAt(tf(), 'azurerm_network_security_group', `network/${id}-nsg`));
      const rules = rulesOf(nsgKey);
      expect(
        rules.every(
          (r) => r.direction === 'Outbound' && r.access === 'Allow' && r.source_address_prefix === prodNetwork.subnets[role].cidr,
        ),
      ).toBe(true);
      expect(rules.map((r) => [r.destination_address_prefix, r.destination_port_ranges ?? [r.destination_port_range]])).toEqual([
        [prodNetwork.subnets.privateEndpoints.cidr, ['443', '5671-5672']],
        ['AzureMonitor', ['443']],
        ['Storage', ['443']],
      ]);
    }
  });

  test('the endpoint subnet takes HTTPS and AMQP from the virtual network and denies everything else', () => {
    const nsgKey = keyOf(
      tf(),
      'azurerm_network_security_group',
      resourceAt(tf(), 'azurerm_network_security_group', 'network/private-endpoints-nsg'),
    );
    const rules = rulesOf(nsgKey).sort((a, b) => a.priority - b.priority);
    expect(
      rules.map((r) => [r.direction, r.access, r.source_address_prefix, r.destination_port_ranges ?? r.destination_port_range]),
    ).toEqual([
      ['Inbound', 'Allow', 'VirtualNetwork', ['443', '5671-5672']],
      ['Inbound', 'Deny', '*', '*'],
    ]);
  });
});

describe('private networking: endpoints, DNS zones and zone groups', () => {
  const tf = () => byName('prod');
  const endpoints = () => Object.values(resourcesOf(tf(), 'azurerm_private_endpoint'));
  const zoneByName = (name: string) => Object.entries(resourcesOf(tf(), 'azurerm_private_dns_zone')).find(([, z]) => z.name === name)!;

  test('one endpoint per sub-resource (a storage endpoint serves one), each to its target by reference, connected automatically', () => {
    const targets = {
      serviceBus: refTo(tf(), 'azurerm_servicebus_namespace', 'messaging/namespace', 'id'),
      hostStorage: refTo(tf(), 'azurerm_storage_account', 'host-storage/host/account', 'id'),
      dataStorage: refTo(tf(), 'azurerm_storage_account', 'data/data/account', 'id'),
    };
    expect(
      endpoints().map((pe) => [
        pe.private_service_connection.private_connection_resource_id,
        pe.private_service_connection.subresource_names,
      ]),
    ).toEqual(PRIVATE_ENDPOINTS.map((spec) => [targets[spec.target], [spec.subresource]]));
    for (const pe of endpoints()) {
      // A manual connection stays Pending and the apps would find nothing behind the address.
      expect(pe.private_service_connection.is_manual_connection).toBe(false);
      expect(pe.private_service_connection.private_connection_resource_alias).toBeUndefined();
      expect(pe.subnet_id).toMatch(idRef('azurerm_subnet'));
      // Names as azurerm validates them (1-80, letters, digits, "_", ".", "-").
      for (const name of [pe.name, pe.private_service_connection.name, pe.private_dns_zone_group.name])
        expect(name).toMatch(/^[a-zA-Z\d][a-zA-Z\d_.-]{0,78}[a-zA-Z\d_]$/);
    }
  });

  test('the package account gets no endpoint: its public name must keep resolving publicly from inside the network', () => {
    const packages = refTo(tf(), 'azurerm_storage_account', 'packages/packages/account', 'id');
    for (const pe of endpoints()) expect(pe.private_service_connection.private_connection_resource_id).not.toBe(packages);
  });

  test('each endpoint registers in the private DNS zone Azure requires for its sub-resource, through a zone group', () => {
    const required = {
      namespace: 'privatelink.servicebus.windows.net',
      blob: 'privatelink.blob.core.windows.net',
      table: 'privatelink.table.core.windows.net',
      queue: 'privatelink.queue.core.windows.net',
    };
    for (const pe of endpoints()) {
      const subresource = pe.private_service_connection.subresource_names[0] as keyof typeof required;
      const [zoneKey] = zoneByName(required[subresource]);
      expect(pe.private_dns_zone_group.private_dns_zone_ids).toEqual([`\${azurerm_private_dns_zone.${zoneKey}.id}`]);
    }
  });

  test('endpoints leave what Azure computes alone: no ip_configuration (dynamic addresses read back as none), no custom NIC name', () => {
    for (const pe of endpoints()) {
      expect(pe.ip_configuration).toBeUndefined();
      expect(pe.custom_network_interface_name).toBeUndefined();
    }
  });

  test('one zone per name, each linked once to the network without auto-registration; no soa_record (ForceNew and computed), no resolution_policy (Azure sets it for privatelink zones)', () => {
    const zones = Object.entries(resourcesOf(tf(), 'azurerm_private_dns_zone'));
    expect(zones.map(([, z]) => z.name).sort()).toEqual([...new Set(PRIVATE_ENDPOINTS.map((e) => e.zone))].sort());
    for (const [, zone] of zones) expect(zone.soa_record).toBeUndefined();
    const links = Object.values(resourcesOf(tf(), 'azurerm_private_dns_zone_virtual_network_link'));
    expect(links.map((l) => l.private_dns_zone_name).sort()).toEqual(
      zones.map(([key]) => `\${azurerm_private_dns_zone.${key}.name}`).sort(),
    );
    for (const link of links) {
      expect(link.virtual_network_id).toMatch(idRef('azurerm_virtual_network'));
      expect(link.registration_enabled).toBe(false);
      expect(link.resolution_policy).toBeUndefined();
      expect(link.name).toMatch(/^[a-z0-9-]{1,80}$/);
    }
  });

  test('order: each endpoint after its subnet carries its NSG (both update the subnet)', () => {
    const association = `azurerm_subnet_network_security_group_association.${keyOf(tf(), 'azurerm_subnet_network_security_group_association', resourceAt(tf(), 'azurerm_subnet_network_security_group_association', 'network/private-endpoints-nsg-association'))}`;
    for (const pe of endpoints()) expect(pe.depends_on).toEqual([association]);
  });
});

describe('private networking: the apps integrated, the data services off the internet', () => {
  const tf = () => byName('prod');

  test('both apps VNet-integrated inline (no swift connection resource), all outbound traffic through the network, no legacy route-all setting', () => {
    expect(tf().resource.azurerm_app_service_virtual_network_swift_connection).toBeUndefined();
    for (const [, id] of ROLES) {
      const app = resourceAt(tf(), 'azurerm_linux_function_app', `${id}/app`);
      expect(app.virtual_network_subnet_id).toBe(refTo(tf(), 'azurerm_subnet', `network/${id}-subnet`, 'id'));
      // Resource Manager's default is false: without it only private ranges would go through the network.
      expect(app.site_config.vnet_route_all_enabled).toBe(true);
      expect(app.app_settings.WEBSITE_VNET_ROUTE_ALL).toBeUndefined();
    }
    for (const app of apps(byName('dev'))) {
      expect(app.virtual_network_subnet_id).toBeUndefined();
      expect(app.site_config.vnet_route_all_enabled).toBeUndefined();
    }
  });

  test('each app starts only after its subnet carries its NSG, every endpoint has its DNS record and every zone is linked (a host that starts before private DNS resolves meets a refusing public endpoint)', () => {
    const ref = (type: string, r: Record<string, any>) => `${type}.${keyOf(tf(), type, r)}`;
    for (const [, id] of ROLES) {
      const dependsOn = resourceAt(tf(), 'azurerm_linux_function_app', `${id}/app`).depends_on;
      expect(dependsOn).toEqual(
        expect.arrayContaining([
          ref(
            'azurerm_subnet_network_security_group_association',
            resourceAt(tf(), 'azurerm_subnet_network_security_group_association', `network/${id}-nsg-association`),
          ),
          ...Object.values(resourcesOf(tf(), 'azurerm_private_endpoint')).map((r) => ref('azurerm_private_endpoint', r)),
          ...Object.values(resourcesOf(tf(), 'azurerm_private_dns_zone_virtual_network_link')).map((r) =>
            ref('azurerm_private_dns_zone_virtual_network_link', r),
          ),
        ]),
      );
    }
  });

  test('the namespace and the data account have public network access off; the package account stays public (the upload and run-from-package); no network rules anywhere', () => {
    const namespace = onlyResource(tf(), 'azurerm_servicebus_namespace');
    expect(namespace.public_network_access_enabled).toBe(false);
    expect(namespace.network_rule_set).toBeUndefined();
    expect(namespace.sku).toBe('Premium');
    expect(resourceAt(tf(), 'azurerm_storage_account', 'data/data/account').public_network_access_enabled).toBe(false);
    expect(resourceAt(tf(), 'azurerm_storage_account', 'packages/packages/account').public_network_access_enabled).toBe(true);
    for (const a of Object.values(resourcesOf(tf(), 'azurerm_storage_account'))) expect(a.network_rules).toBeUndefined();
  });

  test('nothing Terraform does with the private account is a data-plane call (the plan and the second diff run from outside the network)', () => {
    const dataAccount = refTo(tf(), 'azurerm_storage_account', 'data/data/account', 'name');
    // The only data-plane resources are the package blobs, on the public package account.
    for (const blob of Object.values(resourcesOf(tf(), 'azurerm_storage_blob'))) expect(blob.storage_account_name).not.toBe(dataAccount);
    for (const type of [
      'azurerm_storage_table',
      'azurerm_storage_queue',
      'azurerm_storage_share',
      'azurerm_storage_table_entity',
      'azurerm_storage_data_lake_gen2_filesystem',
    ])
      expect(tf().resource[type]).toBeUndefined();
    expect(tf().provider.azurerm[0].features[0].storage).toEqual([{ data_plane_available: false }]);
  });

  test('Microsoft.Network (networks, endpoints, private DNS) is registered', () => {
    expect(tf().provider.azurerm[0].resource_providers_to_register).toContain('Microsoft.Network');
  });
});

describe('private networking: an Elastic Premium processor (the scale controller cannot see a private queue)', () => {
  let privateTf: TerraformJson;
  let publicTf: TerraformJson;
  beforeAll(() => {
    privateTf = elasticProd();
    publicTf = synthEnvironment({ ...dev, apps: { orderApi: elastic, orderProcessor: elastic } } as EnvironmentConfig).tf;
  });
  const app = (tf: TerraformJson, id: string) => resourceAt(tf, 'azurerm_linux_function_app', `${id}/app`);

  test('the processor runs runtime scale monitoring, with the prewarmed instance it needs, and opts in to target-based scaling', () => {
    const site = app(privateTf, 'order-processor').site_config;
    expect(site.runtime_scale_monitoring_enabled).toBe(true);
    expect(site.pre_warmed_instance_count).toBeGreaterThanOrEqual(1);
    expect(app(privateTf, 'order-processor').app_settings[AppSetting.targetBasedScaling]).toBe('1');
  });

  test('the HTTP-triggered API does not (the platform scales HTTP from its front ends), nor any app while the namespace is public', () => {
    expect(app(privateTf, 'order-api').site_config.runtime_scale_monitoring_enabled).toBe(false);
    expect(app(privateTf, 'order-api').app_settings[AppSetting.targetBasedScaling]).toBeUndefined();
    for (const id of APP_IDS) {
      expect(app(publicTf, id).site_config.runtime_scale_monitoring_enabled).toBe(false);
      expect(app(publicTf, id).app_settings[AppSetting.targetBasedScaling]).toBeUndefined();
    }
  });

  test("the processor's host may write its monthly scale-metric tables (account scope: their names roll), and reads the queue's length (Data Owner on the queue)", () => {
    const grant = resourceAt(privateTf, 'azurerm_role_assignment', 'order-processor-identity/scale-metrics');
    expect(grant).toMatchObject({
      role_definition_name: 'Storage Table Data Contributor',
      scope: refTo(privateTf, 'azurerm_storage_account', 'host-storage/host/account', 'id'),
      principal_type: 'ServicePrincipal',
    });
    expect(resourceAt(privateTf, 'azurerm_role_assignment', 'order-processor-identity/receive-orders').role_definition_name).toBe(
      'Azure Service Bus Data Owner',
    );
    // The app starts only after this grant too: it is one of its identity's grants the wait covers.
    const wait = resourceAt(privateTf, 'time_sleep', 'order-processor-identity/wait-for-grants');
    expect(Object.values(wait.triggers)).toContain(
      refTo(privateTf, 'azurerm_role_assignment', 'order-processor-identity/scale-metrics', 'id'),
    );
    expect(() => resourceAt(publicTf, 'azurerm_role_assignment', 'order-processor-identity/scale-metrics')).toThrow();
  });

  test('the extension bundle range carries a Service Bus extension that scales by target under runtime scale monitoring (5.9.0 or later: every v4 bundle)', () => {
    const hostJson = JSON.parse(fs.readFileSync(`${__dirname}/../../functions/host.json`, 'utf8'));
    expect(hostJson.extensionBundle.version).toBe('[4.*, 5.0.0)');
  });
});

describe('private networking: restricting who calls the order API', () => {
  const frontDoor = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
  let restricted: TerraformJson;
  beforeAll(() => {
    restricted = synthEnvironment({
      ...prod,
      network: {
        ...prodNetwork,
        inboundAllow: {
          ipRanges: ['203.0.113.0/24', '198.51.100.7/32'],
          serviceTags: [{ tag: 'AzureFrontDoor.Backend', frontDoorIds: [frontDoor] }],
        },
      },
    }).tf;
  });
  const site = (tf: TerraformJson, id: string) => resourceAt(tf, 'azurerm_linux_function_app', `${id}/app`).site_config;

  test('off by default: no rules and no default action written (azurerm keeps Allow), on either app', () => {
    for (const tf of [byName('dev'), byName('prod')]) {
      for (const id of APP_IDS) {
        for (const key of [
          'ip_restriction',
          'ip_restriction_default_action',
          'scm_ip_restriction',
          'scm_ip_restriction_default_action',
          'scm_use_main_ip_restriction',
        ])
          expect([key, site(tf, id)[key]]).toEqual([key, undefined]);
      }
    }
  });

  test('on: default action Deny explicitly (azurerm sends Allow on create otherwise, and the rules restrict nothing)', () => {
    expect(site(restricted, 'order-api').ip_restriction_default_action).toBe('Deny');
  });

  test('rules in priority order (compared by position), CIDR ranges, the Front Door tag only with its X-Azure-FDID, availability tests let in', () => {
    const rules = site(restricted, 'order-api').ip_restriction;
    expect(rules.map((r: any) => r.priority)).toEqual([...rules.map((r: any) => r.priority)].sort((a: number, b: number) => a - b));
    expect(rules.map((r: any) => [r.ip_address ?? r.service_tag, r.action])).toEqual([
      ['203.0.113.0/24', 'Allow'],
      ['198.51.100.7/32', 'Allow'],
      ['AzureFrontDoor.Backend', 'Allow'],
      [AVAILABILITY_TEST_TAG, 'Allow'],
    ]);
    for (const r of rules) {
      expect([r.ip_address, r.service_tag, r.virtual_network_subnet_id].filter(Boolean)).toHaveLength(1);
      expect(r.name).toMatch(/^[a-z0-9-]{1,32}$/);
      if (r.ip_address) expect(r.ip_address).toMatch(/\/\d+$/);
    }
    // All four header lists: the block is an attribute in azurerm; the unused ones empty, as Azure reads them back.
    expect(rules[2].headers).toEqual([{ x_azure_fdid: [frontDoor], x_fd_health_probe: [], x_forwarded_for: [], x_forwarded_host: [] }]);
    for (const r of [rules[0], rules[1], rules[3]]) expect(r.headers).toBeUndefined();
  });

  test('the SCM site denies everyone (nothing here deploys through Kudu); the processor is left as it was', () => {
    expect(site(restricted, 'order-api')).toMatchObject({ scm_use_main_ip_restriction: false, scm_ip_restriction_default_action: 'Deny' });
    expect(site(restricted, 'order-api').scm_ip_restriction).toBeUndefined();
    expect(site(restricted, 'order-processor').ip_restriction).toBeUndefined();
    // App Service's own health check pings come from inside the platform: the path stays as it was.
    expect(site(restricted, 'order-api').health_check_path).toBe('/api/health');
  });
});

describe('trigger sync after each new package', () => {
  test('every app has a terraform_data replaced with its package URL, running the sync command from the project root', () => {
    eachStack((tf) => {
      const syncs = Object.values(resourcesOf(tf, 'terraform_data'));
      expect(syncs).toHaveLength(APP_IDS.length);
      for (const id of APP_IDS) {
        const sync = resourceAt(tf, 'terraform_data', `${id}-trigger-sync/sync`);
        const appId = refTo(tf, 'azurerm_linux_function_app', `${id}/app`, 'id');
        expect(sync.triggers_replace).toEqual({
          app_id: appId,
          package_url: refTo(tf, 'azurerm_storage_blob', `${id}-package/blob`, 'url'),
        });
        const [{ 'local-exec': exec }] = sync.provisioner;
        // Terraform runs in cdktf.out/stacks/<stack>: three levels below the project root.
        expect(exec.working_dir).toBe('../../..');
        expect(exec.command).toBe(`npx --no-install tsx scripts/sync-triggers.ts ${appId}`);
        expect(fs.existsSync(`${__dirname}/../../scripts/sync-triggers.ts`)).toBe(true);
      }
    });
  });
});
