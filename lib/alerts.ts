import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import {
  MonitorMetricAlert,
  type MonitorMetricAlertApplicationInsightsWebTestLocationAvailabilityCriteria,
  type MonitorMetricAlertCriteria,
} from '@cdktf/provider-azurerm/lib/monitor-metric-alert';
import { Construct } from 'constructs';
import type { AlertsConfig } from './config/types';

export interface AlertsProps {
  readonly resourceGroupName: string;
  readonly namePrefix: string;
  readonly actionGroupName: string;
  readonly actionGroupShortName: string;
  readonly namespaceId: string;
  readonly queueName: string;
  readonly functionAppId: string;
  /** Sale-window schedules (lib/always-ready-schedule.ts): a failed run means a sale minimum may not hold. */
  readonly schedules?: ReadonlyArray<{ readonly name: string; readonly workflowId: string }>;
  /** The availability test of the API's health endpoint (lib/availability-test.ts): pages when it fails in enough regions. */
  readonly availability?: { readonly webTestId: string; readonly appInsightsId: string; readonly failedLocationThreshold: number };
  readonly alerts: AlertsConfig;
  /** Lower-case keys only: metric alerts read tag keys back lower-cased (azurerm #13360). */
  readonly tags: Record<string, string>;
}

/**
 * What pages a human: any dead-lettered order, a backlog that does not drain, server errors of the
 * API, and its health endpoint failing from several regions. One action group e-mails the
 * environment's receivers.
 */
export class Alerts extends Construct {
  readonly actionGroup: MonitorActionGroup;
  readonly deadLetters: MonitorMetricAlert;
  readonly backlog: MonitorMetricAlert;
  readonly serverErrors: MonitorMetricAlert;
  readonly scheduleFailures: MonitorMetricAlert[];
  readonly availability?: MonitorMetricAlert;

  constructor(scope: Construct, id: string, props: AlertsProps) {
    super(scope, id);

    this.actionGroup = new MonitorActionGroup(this, 'action-group', {
      name: props.actionGroupName,
      resourceGroupName: props.resourceGroupName,
      shortName: props.actionGroupShortName,
      // Action groups are global; a regional location is ForceNew and supported in few regions.
      location: 'global',
      enabled: true,
      emailReceiver: props.alerts.receivers.map((r) => ({ name: r.name, emailAddress: r.email, useCommonAlertSchema: true })),
      tags: props.tags,
    });

    // Metric alert dimensions take Include/Exclude/StartsWith (autoscale takes Equals).
    const ourQueue = [{ name: 'EntityName', operator: 'Include', values: [props.queueName] }];

    this.deadLetters = this.alert('dead-letters', props, {
      description: 'An order was dead-lettered: list and replay with `npm run dlq -- <environment>`.',
      scope: props.namespaceId,
      severity: 1,
      frequency: 'PT1M',
      windowSize: 'PT5M',
      // DeadletteredMessages counts what sits in the dead-letter queue: above 0 means at least one order needs an operator.
      criteria: {
        metricNamespace: 'Microsoft.ServiceBus/namespaces',
        metricName: 'DeadletteredMessages',
        aggregation: 'Maximum',
        operator: 'GreaterThan',
        threshold: 0,
        dimension: ourQueue,
      },
    });

    this.backlog = this.alert('backlog', props, {
      description: `More than ${props.alerts.backlogThreshold} orders waited for ${props.alerts.backlogWindow}: the consumer is not keeping up.`,
      scope: props.namespaceId,
      severity: 2,
      frequency: 'PT5M',
      windowSize: props.alerts.backlogWindow,
      // ActiveMessages is a gauge: its minimum over the window is above X only if it stayed above X throughout.
      criteria: {
        metricNamespace: 'Microsoft.ServiceBus/namespaces',
        metricName: 'ActiveMessages',
        aggregation: 'Minimum',
        operator: 'GreaterThan',
        threshold: props.alerts.backlogThreshold,
        dimension: ourQueue,
      },
    });

    this.serverErrors = this.alert('server-errors', props, {
      description: `The order API answered more than ${props.alerts.http5xxThreshold} server errors in five minutes.`,
      scope: props.functionAppId,
      severity: 1,
      frequency: 'PT1M',
      windowSize: 'PT5M',
      criteria: {
        metricNamespace: 'Microsoft.Web/sites',
        metricName: 'Http5xx',
        aggregation: 'Total',
        operator: 'GreaterThan',
        threshold: props.alerts.http5xxThreshold,
      },
    });

    if (props.availability) {
      const { webTestId, appInsightsId, failedLocationThreshold } = props.availability;
      // The web-test criteria need the component and the test in scope (the provider's own acceptance
      // test does the same); a static availabilityPercentage criterion refuses mixed scopes.
      this.availability = this.alert('api-availability', props, {
        description: `The order API's /api/health failed from ${failedLocationThreshold} or more test locations at once: the public endpoint is down. Check the app, its plan and /api/health.`,
        scopes: [appInsightsId, webTestId],
        severity: 0,
        frequency: 'PT1M',
        windowSize: 'PT5M',
        webTestCriteria: { webTestId, componentId: appInsightsId, failedLocationCount: failedLocationThreshold },
      });
    }

    this.scheduleFailures = (props.schedules ?? []).map((schedule, i) =>
      this.alert(`always-ready-schedule-${i}`, props, {
        description: `The sale-window schedule of the ${schedule.name} failed: the always-ready count of a sale window may not hold. See the Logic App's run history.`,
        scope: schedule.workflowId,
        severity: 2,
        frequency: 'PT5M',
        windowSize: 'PT15M',
        criteria: {
          metricNamespace: 'Microsoft.Logic/workflows',
          metricName: 'RunsFailed',
          aggregation: 'Total',
          operator: 'GreaterThan',
          threshold: 0,
        },
      }),
    );
  }

  private alert(
    id: string,
    props: AlertsProps,
    spec: { description: string; severity: number; frequency: string; windowSize: string } & (
      | { scope: string; criteria: MonitorMetricAlertCriteria }
      | { scopes: string[]; webTestCriteria: MonitorMetricAlertApplicationInsightsWebTestLocationAvailabilityCriteria }
    ),
  ): MonitorMetricAlert {
    return new MonitorMetricAlert(this, id, {
      name: `${props.namePrefix}-${id}`,
      resourceGroupName: props.resourceGroupName,
      description: spec.description,
      scopes: 'scope' in spec ? [spec.scope] : spec.scopes,
      severity: spec.severity,
      frequency: spec.frequency,
      windowSize: spec.windowSize,
      autoMitigate: true,
      enabled: true,
      ...('criteria' in spec
        ? { criteria: [spec.criteria] }
        : { applicationInsightsWebTestLocationAvailabilityCriteria: spec.webTestCriteria }),
      action: [{ actionGroupId: this.actionGroup.id }],
      tags: props.tags,
      lifecycle: {
        // Azure returns the action group id in its own casing and `action` is a set hashed on the exact
        // string, so it would diff on every plan (azurerm #22000, open). A replaced action group still
        // reaches the alert: it replaces the alert.
        ignoreChanges: ['action'],
        replaceTriggeredBy: [`${this.actionGroup.terraformResourceType}.${this.actionGroup.friendlyUniqueId}.id`],
      },
    });
  }
}
