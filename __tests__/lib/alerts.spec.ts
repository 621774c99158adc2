import { Alerts } from '../../lib/alerts';
import { prod } from '../../lib/config/environments';
import { synthBare, WHERE } from '../helpers/bare-stack';
import { onlyResource, resourceAt, resourcesOf, type TerraformJson } from '../helpers/synth';

/** What pages a human, built alone, with and without the optional alerts. */

const NAMESPACE = '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.ServiceBus/namespaces/sb-test';
const APP = '/subscriptions/x/resourceGroups/rg-test-api/providers/Microsoft.Web/sites/func-test-api';
const WORKFLOW = '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.Logic/workflows/logic-test';
const WEB_TEST = '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.Insights/webTests/webt-test';
const COMPONENT = '/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.Insights/components/appi-test';

function synth(optional: boolean): TerraformJson {
  return synthBare((stack) => {
    new Alerts(stack, 'alerts', {
      resourceGroupName: WHERE.resourceGroupName,
      namePrefix: 'orders-test',
      actionGroupName: 'ag-orders-test',
      actionGroupShortName: 'orders-test',
      namespaceId: NAMESPACE,
      queueName: 'orders',
      functionAppId: APP,
      schedules: optional ? [{ name: 'order processor', workflowId: WORKFLOW }] : undefined,
      availability: optional ? { webTestId: WEB_TEST, appInsightsId: COMPONENT, failedLocationThreshold: 5 } : undefined,
      alerts: prod.alerts,
      tags: WHERE.tags,
    });
  }).tf;
}

const full = synth(true);
const alert = (tf: TerraformJson, id: string) => resourceAt(tf, 'azurerm_monitor_metric_alert', `alerts/${id}`);

test('one global action group e-mails the receivers with the common schema', () => {
  expect(onlyResource(full, 'azurerm_monitor_action_group')).toMatchObject({
    name: 'ag-orders-test',
    short_name: 'orders-test',
    location: 'global',
    enabled: true,
  });
  expect(onlyResource(full, 'azurerm_monitor_action_group').email_receiver).toEqual(
    prod.alerts.receivers.map((r) => ({ name: r.name, email_address: r.email, use_common_alert_schema: true })),
  );
});

test('any dead letter of our queue pages: Maximum above 0', () => {
  expect(alert(full, 'dead-letters')).toMatchObject({
    name: 'orders-test-dead-letters',
    scopes: [NAMESPACE],
    severity: 1,
    frequency: 'PT1M',
    window_size: 'PT5M',
  });
  expect(alert(full, 'dead-letters').criteria).toEqual([
    {
      metric_namespace: 'Microsoft.ServiceBus/namespaces',
      metric_name: 'DeadletteredMessages',
      aggregation: 'Maximum',
      operator: 'GreaterThan',
      threshold: 0,
      dimension: [{ name: 'EntityName', operator: 'Include', values: ['orders'] }],
    },
  ]);
});

test('a backlog that stays above the threshold for the whole window pages: Minimum of the gauge', () => {
  expect(alert(full, 'backlog')).toMatchObject({ window_size: prod.alerts.backlogWindow, frequency: 'PT5M', severity: 2 });
  expect(alert(full, 'backlog').criteria[0]).toMatchObject({
    metric_name: 'ActiveMessages',
    aggregation: 'Minimum',
    operator: 'GreaterThan',
    threshold: prod.alerts.backlogThreshold,
    dimension: [{ name: 'EntityName', operator: 'Include', values: ['orders'] }],
  });
});

test('server errors of the API page: Http5xx Total on the app', () => {
  expect(alert(full, 'server-errors')).toMatchObject({ scopes: [APP] });
  expect(alert(full, 'server-errors').criteria[0]).toMatchObject({
    metric_namespace: 'Microsoft.Web/sites',
    metric_name: 'Http5xx',
    aggregation: 'Total',
    threshold: prod.alerts.http5xxThreshold,
  });
});

test('an unavailable health endpoint pages at severity 0, with the component and the web test in scope', () => {
  expect(alert(full, 'api-availability')).toMatchObject({
    severity: 0,
    frequency: 'PT1M',
    window_size: 'PT5M',
    scopes: [COMPONENT, WEB_TEST],
    application_insights_web_test_location_availability_criteria: {
      web_test_id: WEB_TEST,
      component_id: COMPONENT,
      failed_location_count: 5,
    },
  });
  expect(alert(full, 'api-availability').criteria).toBeUndefined();
});

test('a failed schedule run pages: RunsFailed on its workflow', () => {
  expect(alert(full, 'always-ready-schedule-0')).toMatchObject({ scopes: [WORKFLOW] });
  expect(alert(full, 'always-ready-schedule-0').criteria[0]).toMatchObject({
    metric_namespace: 'Microsoft.Logic/workflows',
    metric_name: 'RunsFailed',
    aggregation: 'Total',
    threshold: 0,
  });
});

test('without schedules or an availability test: the three alerts only', () => {
  expect(
    Object.values(resourcesOf(synth(false), 'azurerm_monitor_metric_alert'))
      .map((a) => a.name)
      .sort(),
  ).toEqual(['orders-test-backlog', 'orders-test-dead-letters', 'orders-test-server-errors']);
});

test('every alert goes to the action group, mitigates itself, and follows a replaced group', () => {
  const [groupKey] = Object.keys(resourcesOf(full, 'azurerm_monitor_action_group'));
  const alerts = Object.values(resourcesOf(full, 'azurerm_monitor_metric_alert'));
  expect(alerts).toHaveLength(5);
  for (const a of alerts) {
    expect(a).toMatchObject({
      auto_mitigate: true,
      enabled: true,
      action: [{ action_group_id: `\${azurerm_monitor_action_group.${groupKey}.id}` }],
    });
    expect(a.lifecycle).toEqual({ ignore_changes: ['action'], replace_triggered_by: [`azurerm_monitor_action_group.${groupKey}.id`] });
  }
});
