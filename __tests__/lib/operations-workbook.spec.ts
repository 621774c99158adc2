import { LinuxFunctionApp } from '@cdktf/provider-azurerm/lib/linux-function-app';
import { MonitorAutoscaleSetting } from '@cdktf/provider-azurerm/lib/monitor-autoscale-setting';
import { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
import { Construct } from 'constructs';
import { prod } from '../../lib/config/environments';
import { Messaging } from '../../lib/messaging';
import { HOST_PROPERTY_KEYS, LOG_TABLES, METRIC_CATALOG, WORKBOOK_AGGREGATION } from '../../lib/monitoring-catalog';
import { resourceNames } from '../../lib/naming';
import { OperationsWorkbook, ORDER_ID_PARAMETER, TIME_RANGE_PARAMETER, type WorkbookApp } from '../../lib/operations-workbook';
import { kqlNames } from '../helpers/kql';
import { bareMonitoring, synthBare, WHERE } from '../helpers/bare-stack';
import { onlyResource, refTo, resourcesOf, type TerraformJson } from '../helpers/synth';

/**
 * The Black Friday workbook as Azure Monitor will run it: every metric it charts exists for its
 * resource type with that aggregation and dimension, and every table and column its queries name
 * exists in workspace-based Application Insights (lib/monitoring-catalog.ts, with the Microsoft
 * references). A typo would otherwise show up as an empty chart, on the day.
 */

type Item = { type: number; name: string; content: Record<string, any>; conditionalVisibility?: Record<string, unknown> };
const workbookOf = (tf: TerraformJson) => onlyResource(tf, 'azurerm_application_insights_workbook');
const itemsOf = (tf: TerraformJson): Item[] => JSON.parse(workbookOf(tf).data_json).items;

/** The Terraform resource type each metric namespace's resource ids must reference. */
const RESOURCE_TYPE_OF: Record<string, string> = {
  'microsoft.servicebus/namespaces': 'azurerm_servicebus_namespace',
  'microsoft.web/sites': 'azurerm_linux_function_app',
  'microsoft.web/serverfarms': 'azurerm_service_plan',
  'microsoft.insights/autoscalesettings': 'azurerm_monitor_autoscale_setting',
  'microsoft.insights/components': 'azurerm_application_insights',
};

/** Everything wrong with the workbook's names, against the catalog. */
function unknownNames(items: Item[]): string[] {
  const problems: string[] = [];
  const parameterNames = items.filter((i) => i.type === 9).flatMap((i) => i.content.parameters.map((p: { name: string }) => p.name));
  const columns = new Set<string>(Object.values(LOG_TABLES).flatMap((t) => [...t.columns]));
  for (const item of items) {
    if (item.type === 10) {
      const type = item.content.resourceType as keyof typeof METRIC_CATALOG;
      const catalog = METRIC_CATALOG[type];
      if (!catalog) {
        problems.push(`${item.name}: no metrics are known for ${type}`);
        continue;
      }
      for (const { namespace, metric, aggregation } of item.content.metrics) {
        const [prefix, name] = String(metric).split('--');
        const definition = (catalog.metrics as Record<string, { aggregations: readonly string[]; dimensions: readonly string[] }>)[name];
        if (namespace !== type || prefix !== type) problems.push(`${item.name}: ${metric} is not in ${type}`);
        if (!definition) problems.push(`${item.name}: ${type} has no metric ${name}`);
        const aggregationName = Object.entries(WORKBOOK_AGGREGATION).find(([, n]) => n === aggregation)?.[0];
        if (definition && !definition.aggregations.includes(aggregationName ?? ''))
          problems.push(`${item.name}: ${name} has no aggregation ${aggregationName ?? aggregation}`);
        for (const filter of item.content.filters ?? [])
          if (definition && !definition.dimensions.includes(filter.key))
            problems.push(`${item.name}: ${name} has no dimension ${filter.key}`);
      }
      for (const id of item.content.resourceIds)
        if (!String(id).startsWith(`\${${RESOURCE_TYPE_OF[type]}.`)) problems.push(`${item.name}: ${id} is not a ${type}`);
    }
    if (item.type === 3) {
      const { used, parameters } = kqlNames(item.content.query);
      for (const name of used)
        if (!(name in LOG_TABLES) && !columns.has(name))
          problems.push(`${item.name}: ${name} is no table or column of workspace-based Application Insights (nor KQL)`);
      for (const p of parameters) if (!parameterNames.includes(p)) problems.push(`${item.name}: parameter {${p}} is not defined`);
      for (const [, key] of String(item.content.query).matchAll(/Properties\.([A-Za-z0-9_]+)/g))
        if (!(HOST_PROPERTY_KEYS as readonly string[]).includes(key))
          problems.push(`${item.name}: Properties.${key} is not a key the host writes`);
    }
  }
  return problems;
}

/**
 * The workbook built on a bare stack with the resources it charts, for each way the apps can be
 * hosted: both on Dedicated plans (each with its autoscale setting, as dev), the API on Dedicated and
 * the processor on Elastic Premium (as prod), both on Elastic Premium (no autoscale setting at all).
 */
function synthWorkbook(autoscaled: { api: boolean; processor: boolean }): TerraformJson {
  return synthBare((stack) => {
    const monitoring = bareMonitoring(stack);
    const messaging = new Messaging(stack, 'messaging', {
      ...WHERE,
      namespaceName: 'sb-test',
      serviceBus: prod.serviceBus,
      queue: prod.queue,
      preventDestroy: false,
      publicNetworkAccess: true,
      monitoring,
    });
    const app = (id: string, title: string, withAutoscale: boolean): WorkbookApp => {
      const scope = new Construct(stack, id);
      const plan = new ServicePlan(scope, 'plan', {
        ...WHERE,
        name: `asp-${id}`,
        osType: 'Linux',
        skuName: withAutoscale ? 'P0v3' : 'EP1',
      });
      const functionApp = new LinuxFunctionApp(scope, 'app', { ...WHERE, name: `func-${id}`, servicePlanId: plan.id, siteConfig: {} });
      const autoscale = withAutoscale
        ? new MonitorAutoscaleSetting(new Construct(stack, `${id}-autoscale`), 'setting', {
            ...WHERE,
            name: `autoscale-${id}`,
            targetResourceId: plan.id,
            profile: [{ name: 'default', capacity: { minimum: 1, default: 1, maximum: 3 } }],
          })
        : undefined;
      return { title, appId: functionApp.id, autoscaleSettingId: autoscale?.id };
    };
    new OperationsWorkbook(stack, 'operations-workbook', {
      ...WHERE,
      name: resourceNames(prod).operationsWorkbook,
      displayName: 'Orders test: Black Friday operations',
      appInsightsId: monitoring.appInsights.id,
      workspaceId: monitoring.workspace.id,
      namespaceId: messaging.namespace.id,
      queueName: messaging.queue.name,
      api: app('order-api', 'order API', autoscaled.api),
      processor: app('order-processor', 'order processor', autoscaled.processor),
    });
  }).tf;
}

const stacks = [
  ['both apps on Dedicated plans (as dev)', synthWorkbook({ api: true, processor: true })],
  ['the processor on Elastic Premium (as prod)', synthWorkbook({ api: true, processor: false })],
] as const;
const elasticStack = synthWorkbook({ api: false, processor: false });

describe.each([...stacks, ['both apps on Elastic Premium', elasticStack] as const])('the operations workbook with %s', (_, tf) => {
  test('names only metrics, tables, columns and parameters that exist', () => {
    expect(unknownNames(itemsOf(tf))).toEqual([]);
  });

  test('queries the workspace, each over the time range', () => {
    for (const item of itemsOf(tf).filter((i) => i.type === 3)) {
      expect(item.content).toMatchObject({
        queryType: 0,
        resourceType: 'microsoft.operationalinsights/workspaces',
        crossComponentResources: [refTo(tf, 'azurerm_log_analytics_workspace', 'monitoring/workspace', 'id')],
      });
      expect(item.content.query).toContain(`{${TIME_RANGE_PARAMETER}}`);
    }
    for (const item of itemsOf(tf).filter((i) => i.type === 10)) expect(item.content.timeContextFromParameter).toBe(TIME_RANGE_PARAMETER);
  });

  test('has what the issue asks for: backlog and dead letters of our queue, rates, instances, latency percentiles, status mix and 5xx, availability, where is order X', () => {
    const items = Object.fromEntries(itemsOf(tf).map((i) => [i.name, i]));
    const metricNames = (name: string) => items[name].content.metrics.map((m: { metric: string }) => m.metric.split('--')[1]);
    expect(metricNames('backlog')).toEqual(['ActiveMessages', 'ActiveMessages', 'DeadletteredMessages']);
    expect(items.backlog.content.filters).toEqual([
      { key: 'EntityName', operator: 0, values: [refTo(tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name')] },
    ]);
    expect(metricNames('queue-rates')).toEqual(['IncomingMessages', 'CompleteMessage']);
    expect(items['order-rates'].content.query).toMatch(/bin\(TimeGenerated, 1m\)/);
    expect(items.instances.content.query).toMatch(/dcount\(AppRoleInstance\) by bin\(TimeGenerated, 1m\), AppRoleName/);
    expect(items.latency.content.query).toMatch(/join kind=inner accepted on OperationId[\s\S]*percentiles\(LatencyMs, 50, 95, 99\)/);
    expect(items['status-mix'].content.query).toMatch(/by bin\(TimeGenerated, 1m\), ResultCode/);
    expect(metricNames('http-errors')).toContain('Http5xx');
    expect(items['http-errors'].content.resourceIds).toEqual([refTo(tf, 'azurerm_linux_function_app', 'order-api/app', 'id')]);
    expect(metricNames('availability')).toEqual(['availabilityResults/availabilityPercentage']);
    // Starts from the order id (a client can pick its trace id), shown only once one is entered.
    expect(items['order-trace'].content.query).toContain(`{${ORDER_ID_PARAMETER}}`);
    expect(items['order-trace'].content.query).toMatch(/^let wanted = tolower\(trim\(@'\\s\+', '\{OrderId\}'\)\);/);
    expect(items['order-trace'].conditionalVisibility).toEqual({
      parameterName: ORDER_ID_PARAMETER,
      comparison: 'isNotEqualTo',
      value: '',
    });
  });
});

describe('scale actions', () => {
  test.each(stacks)('Dedicated plans (%s): the autoscale setting of each Dedicated app (instance count and scale actions)', (_, tf) => {
    const scale = itemsOf(tf).find((i) => i.name === 'scale-actions')!;
    expect(scale.content.metrics.map((m: { metric: string }) => m.metric)).toEqual([
      'microsoft.insights/autoscalesettings--ObservedCapacity',
      'microsoft.insights/autoscalesettings--ScaleActionsInitiated',
    ]);
    expect(scale.content.resourceIds.sort()).toEqual(
      Object.keys(resourcesOf(tf, 'azurerm_monitor_autoscale_setting'))
        .map((k) => `\${azurerm_monitor_autoscale_setting.${k}.id}`)
        .sort(),
    );
  });

  test('Elastic Premium: no autoscale setting to chart; the workbook says so and points at the instances chart', () => {
    const items = itemsOf(elasticStack);
    expect(items.find((i) => i.name === 'scale-actions')).toBeUndefined();
    expect(items.find((i) => i.name === 'scale-elastic')!.content.json).toMatch(/scale controller/);
  });
});

describe('the name check itself', () => {
  test.each([
    ['a column in the wrong case', (q: string) => q.replace('DurationMs', 'DurationMS'), /DurationMS is no table or column/],
    ['a classic table name', (q: string) => q.replace('AppRequests', 'requests'), /requests is no table or column/],
    ['an unknown host property', (q: string) => q.replace('prop__MessageId', 'prop__Messageid'), /Properties\.prop__Messageid/],
    ['an undefined parameter', (q: string) => q.replace('{TimeRange}', '{Range}'), /parameter \{Range\}/],
  ])('catches %s', (_, mutate, message) => {
    const items = itemsOf(stacks[0][1]).map((i) =>
      i.type === 3 ? { ...i, content: { ...i.content, query: mutate(i.content.query) } } : i,
    );
    expect(unknownNames(items).join('\n')).toMatch(message);
  });

  test('catches a metric that does not exist, or an aggregation or dimension it does not have', () => {
    const items = itemsOf(stacks[0][1]);
    const backlog = items.find((i) => i.name === 'backlog')!;
    const mutated = (metrics: unknown[], filters = backlog.content.filters) => [
      { ...backlog, content: { ...backlog.content, metrics, filters } },
    ];
    expect(
      unknownNames(
        mutated([
          { namespace: 'microsoft.servicebus/namespaces', metric: 'microsoft.servicebus/namespaces--ActiveMessage', aggregation: 4 },
        ]),
      ).join(),
    ).toMatch(/no metric ActiveMessage/);
    expect(
      unknownNames(
        mutated([
          { namespace: 'microsoft.servicebus/namespaces', metric: 'microsoft.servicebus/namespaces--ActiveMessages', aggregation: 1 },
        ]),
      ).join(),
    ).toMatch(/no aggregation Total/);
    expect(unknownNames(mutated(backlog.content.metrics, [{ key: 'Queue', operator: 0, values: ['orders'] }])).join()).toMatch(
      /no dimension Queue/,
    );
  });
});

describe('the workbook resource', () => {
  test('the given name and display name, listed under Application Insights by its lower-cased id, a workbook', () => {
    const tf = stacks[1][1];
    expect(workbookOf(tf)).toMatchObject({
      name: resourceNames(prod).operationsWorkbook,
      display_name: 'Orders test: Black Friday operations',
      category: 'workbook',
      source_id: `\${lower(${refTo(tf, 'azurerm_application_insights', 'monitoring/app-insights', 'id').slice(2, -1)})}`,
      tags: WHERE.tags,
    });
    expect(JSON.parse(workbookOf(tf).data_json).version).toBe('Notebook/1.0');
  });
});
