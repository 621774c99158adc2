import { environments, prod } from '../../lib/config/environments';
import { HOST_PROPERTY_KEYS, LOG_TABLES, METRIC_CATALOG, WORKBOOK_AGGREGATION } from '../../lib/monitoring-catalog';
import { resourceNames } from '../../lib/naming';
import { ORDER_ID_PARAMETER, TIME_RANGE_PARAMETER } from '../../lib/operations-workbook';
import { kqlNames } from '../helpers/kql';
import { onlyResource, refTo, resourcesOf, synthEnvironment, type TerraformJson } from '../helpers/synth';

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
        if (definition && !definition.aggregations.includes(aggregationName ?? '')) problems.push(`${item.name}: ${name} has no aggregation ${aggregationName ?? aggregation}`);
        for (const filter of item.content.filters ?? []) if (definition && !definition.dimensions.includes(filter.key)) problems.push(`${item.name}: ${name} has no dimension ${filter.key}`);
      }
      for (const id of item.content.resourceIds) if (!String(id).startsWith(`\${${RESOURCE_TYPE_OF[type]}.`)) problems.push(`${item.name}: ${id} is not a ${type}`);
    }
    if (item.type === 3) {
      const { used, parameters } = kqlNames(item.content.query);
      for (const name of used) if (!(name in LOG_TABLES) && !columns.has(name)) problems.push(`${item.name}: ${name} is no table or column of workspace-based Application Insights (nor KQL)`);
      for (const p of parameters) if (!parameterNames.includes(p)) problems.push(`${item.name}: parameter {${p}} is not defined`);
      for (const [, key] of String(item.content.query).matchAll(/Properties\.([A-Za-z0-9_]+)/g)) if (!(HOST_PROPERTY_KEYS as readonly string[]).includes(key)) problems.push(`${item.name}: Properties.${key} is not a key the host writes`);
    }
  }
  return problems;
}

const stacks = environments.map((env) => [env.name, synthEnvironment(env).tf] as const);
const elastic = { kind: 'elasticPremium', sku: 'EP1', zoneBalancing: true, alwaysReady: 3, maximumBurst: 30, appScaleLimit: 20, prewarmed: 1 } as const;
const elasticStack = synthEnvironment({
  ...prod,
  apps: { orderApi: elastic, orderProcessor: elastic },
  saleWindows: prod.saleWindows.map((w) => ({ ...w, minimumInstances: { orderApi: 3, orderProcessor: 3 } })),
}).tf;

describe.each([...stacks, ['prod on Elastic Premium', elasticStack] as const])('the operations workbook of %s', (_, tf) => {
  test('names only metrics, tables, columns and parameters that exist', () => {
    expect(unknownNames(itemsOf(tf))).toEqual([]);
  });

  test('queries the workspace, each over the time range', () => {
    for (const item of itemsOf(tf).filter((i) => i.type === 3)) {
      expect(item.content).toMatchObject({ queryType: 0, resourceType: 'microsoft.operationalinsights/workspaces', crossComponentResources: [refTo(tf, 'azurerm_log_analytics_workspace', 'monitoring/workspace', 'id')] });
      expect(item.content.query).toContain(`{${TIME_RANGE_PARAMETER}}`);
    }
    for (const item of itemsOf(tf).filter((i) => i.type === 10)) expect(item.content.timeContextFromParameter).toBe(TIME_RANGE_PARAMETER);
  });

  test('has what the issue asks for: backlog and dead letters of our queue, rates, instances, latency percentiles, status mix and 5xx, availability, where is order X', () => {
    const items = Object.fromEntries(itemsOf(tf).map((i) => [i.name, i]));
    const metricNames = (name: string) => items[name].content.metrics.map((m: { metric: string }) => m.metric.split('--')[1]);
    expect(metricNames('backlog')).toEqual(['ActiveMessages', 'ActiveMessages', 'DeadletteredMessages']);
    expect(items.backlog.content.filters).toEqual([{ key: 'EntityName', operator: 0, values: [refTo(tf, 'azurerm_servicebus_queue', 'messaging/queue', 'name')] }]);
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
    expect(items['order-trace'].conditionalVisibility).toEqual({ parameterName: ORDER_ID_PARAMETER, comparison: 'isNotEqualTo', value: '' });
  });
});

describe('scale actions', () => {
  test('Dedicated plans: the autoscale settings of both apps (instance count and scale actions)', () => {
    const tf = stacks.find(([name]) => name === 'prod')![1];
    const scale = itemsOf(tf).find((i) => i.name === 'scale-actions')!;
    expect(scale.content.metrics.map((m: { metric: string }) => m.metric)).toEqual(['microsoft.insights/autoscalesettings--ObservedCapacity', 'microsoft.insights/autoscalesettings--ScaleActionsInitiated']);
    expect(scale.content.resourceIds.sort()).toEqual(Object.keys(resourcesOf(tf, 'azurerm_monitor_autoscale_setting')).filter((k) => !k.startsWith('messaging')).map((k) => `\${azurerm_monitor_autoscale_setting.${k}.id}`).sort());
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
    const items = itemsOf(stacks[0][1]).map((i) => (i.type === 3 ? { ...i, content: { ...i.content, query: mutate(i.content.query) } } : i));
    expect(unknownNames(items).join('\n')).toMatch(message);
  });

  test('catches a metric that does not exist, or an aggregation or dimension it does not have', () => {
    const items = itemsOf(stacks[0][1]);
    const backlog = items.find((i) => i.name === 'backlog')!;
    const mutated = (metrics: unknown[], filters = backlog.content.filters) => [{ ...backlog, content: { ...backlog.content, metrics, filters } }];
    expect(unknownNames(mutated([{ namespace: 'microsoft.servicebus/namespaces', metric: 'microsoft.servicebus/namespaces--ActiveMessage', aggregation: 4 }])).join()).toMatch(/no metric ActiveMessage/);
    expect(unknownNames(mutated([{ namespace: 'microsoft.servicebus/namespaces', metric: 'microsoft.servicebus/namespaces--ActiveMessages', aggregation: 1 }])).join()).toMatch(/no aggregation Total/);
    expect(unknownNames(mutated(backlog.content.metrics, [{ key: 'Queue', operator: 0, values: ['orders'] }])).join()).toMatch(/no dimension Queue/);
  });
});

describe('the workbook resource (azurerm 4.55)', () => {
  test('a lower-case GUID name, derived (the same on every synth), one per environment', () => {
    const names = stacks.map(([, tf]) => workbookOf(tf).name);
    for (const name of names) expect(name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(names).size).toBe(names.length);
    expect(workbookOf(synthEnvironment(prod).tf).name).toBe(resourceNames(prod).operationsWorkbook);
  });
});
