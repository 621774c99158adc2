import { Monitoring } from '../../lib/monitoring';
import { synthBare, WHERE } from '../helpers/bare-stack';
import { onlyResource, refTo, resourceAt } from '../helpers/synth';

/** The workspace, Application Insights and the diagnostic settings every construct sends, built alone. */

const { tf } = synthBare((stack) => {
  const monitoring = new Monitoring(stack, 'monitoring', {
    ...WHERE,
    workspaceName: 'log-test',
    appInsightsName: 'appi-test',
    retentionDays: 90,
    dailyQuotaGb: -1,
  });
  monitoring.sendDiagnostics('everything', '/subscriptions/x/resource-a', { logs: 'allLogs' });
  monitoring.sendDiagnostics('chosen', '/subscriptions/x/resource-b', { logs: ['StorageRead'], metrics: ['Transaction'] });
  monitoring.sendDiagnostics('metrics-only', '/subscriptions/x/resource-c', {});
});

test('the workspace takes no shared keys, with the configured retention and daily cap', () => {
  expect(onlyResource(tf, 'azurerm_log_analytics_workspace')).toMatchObject({
    name: 'log-test',
    sku: 'PerGB2018',
    retention_in_days: 90,
    daily_quota_gb: -1,
    local_authentication_enabled: false,
  });
});

test('Application Insights is workspace-based, web, Entra ID ingestion only, with the same retention', () => {
  expect(onlyResource(tf, 'azurerm_application_insights')).toMatchObject({
    name: 'appi-test',
    application_type: 'web',
    local_authentication_disabled: true,
    retention_in_days: 90,
    workspace_id: refTo(tf, 'azurerm_log_analytics_workspace', 'monitoring/workspace', 'id'),
  });
});

test('sendDiagnostics: to the workspace, a category group, chosen categories, or all metrics only', () => {
  const workspace = refTo(tf, 'azurerm_log_analytics_workspace', 'monitoring/workspace', 'id');
  expect(resourceAt(tf, 'azurerm_monitor_diagnostic_setting', 'monitoring/diagnostics-everything')).toMatchObject({
    name: 'to-log-analytics',
    target_resource_id: '/subscriptions/x/resource-a',
    log_analytics_workspace_id: workspace,
    enabled_log: [{ category_group: 'allLogs' }],
    enabled_metric: [{ category: 'AllMetrics' }],
  });
  expect(resourceAt(tf, 'azurerm_monitor_diagnostic_setting', 'monitoring/diagnostics-chosen')).toMatchObject({
    enabled_log: [{ category: 'StorageRead' }],
    enabled_metric: [{ category: 'Transaction' }],
  });
  expect(resourceAt(tf, 'azurerm_monitor_diagnostic_setting', 'monitoring/diagnostics-metrics-only')).toMatchObject({
    enabled_log: [],
    enabled_metric: [{ category: 'AllMetrics' }],
  });
});
