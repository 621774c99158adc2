import {
  MonitorAutoscaleSetting,
  type MonitorAutoscaleSettingProfile,
  type MonitorAutoscaleSettingProfileRule,
} from '@cdktf/provider-azurerm/lib/monitor-autoscale-setting';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { AutoscaleRules, InstanceLimits, SaleWindow } from './config/types';

/**
 * Azure Monitor autoscale for the function app's plan and, on Premium, for the namespace's
 * messaging units. One setting per target: a second one for the same target is a 409.
 */

/** A new plan or namespace publishes no metrics for a few minutes; autoscale created earlier fails with UnsupportedMetric (azurerm #22160). */
const WAIT_FOR_FIRST_METRICS = '300s';

/** Metric namespaces are written explicitly: the provider sends "" when omitted. */
export const SERVICE_BUS_METRICS = 'microsoft.servicebus/namespaces';
export const PLAN_METRICS = 'microsoft.web/serverfarms';

export interface PlanAutoscaleProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly planId: string;
  /** The namespace and queue whose backlog the queue rules read (with `rules.backlog`). */
  readonly namespaceId: string;
  readonly queueName: string;
  readonly instances: InstanceLimits;
  readonly rules: AutoscaleRules;
  /** Sale windows, each with the minimum this plan holds during it. */
  readonly saleWindows: ReadonlyArray<{ readonly window: SaleWindow; readonly minimumInstances: number }>;
  /** Told about every scale action. */
  readonly notifyEmails: readonly string[];
  /** The plan and the namespace: their metrics must exist before the setting is created. */
  readonly metricSources: ITerraformDependable[];
  readonly tags: Record<string, string>;
}

/**
 * Scales a Dedicated plan on CPU and, for the order processor, on queue depth. Every profile carries
 * the same rules, because only one profile applies at a time and rules of other profiles are not
 * evaluated:
 *
 *  - out: active orders per instance above a threshold (Service Bus `ActiveMessages` of the queue,
 *    divided by the instance count), or CPU above a threshold;
 *  - in:  every rule below its lower threshold over a longer window (autoscale scales in only when
 *    every scale-in rule agrees), with a longer cooldown, so the plan never flaps.
 *
 * The default profile holds the environment's limits; each sale window adds a fixed-date profile
 * that holds a higher minimum from before the surge until after it.
 */
export class PlanAutoscale extends Construct {
  readonly setting: MonitorAutoscaleSetting;

  constructor(scope: Construct, id: string, props: PlanAutoscaleProps) {
    super(scope, id);
    const rules = planRules(props);
    const { instances } = props;

    const profiles: MonitorAutoscaleSettingProfile[] = [
      { name: 'default', capacity: capacity(instances.minimum, instances.default, instances.maximum), rule: rules },
      ...props.saleWindows.map(({ window, minimumInstances }) => {
        const maximum = instances.maximum;
        return {
          name: window.name,
          capacity: capacity(minimumInstances, Math.min(Math.max(minimumInstances, instances.default), maximum), maximum),
          rule: rules,
          fixedDate: {
            // azurerm wants RFC 3339 and writes `...Z` back; Azure applies `timezone` to these wall-clock
            // digits (it reads them back as +00:00 whatever the zone, Azure/azure-cli#10116).
            start: `${window.start}Z`,
            end: `${window.end}Z`,
            timezone: window.timeZone,
          },
        };
      }),
    ];

    this.setting = new MonitorAutoscaleSetting(this, 'setting', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      targetResourceId: props.planId,
      enabled: true,
      profile: profiles,
      // Custom e-mails only: the admin flags together with webhooks fail on create (azurerm #26306).
      notification: { email: { customEmails: [...props.notifyEmails] } },
      tags: props.tags,
      dependsOn: [waitForMetrics(this, props.metricSources)],
    });
  }
}

function planRules(props: PlanAutoscaleProps): MonitorAutoscaleSettingProfileRule[] {
  const r = props.rules;
  const backlog = (operator: string, threshold: number, window: string, aggregation: string) => ({
    metricName: 'ActiveMessages',
    metricNamespace: SERVICE_BUS_METRICS,
    // The namespace publishes the metric; the EntityName dimension picks our queue.
    metricResourceId: props.namespaceId,
    dimensions: [{ name: 'EntityName', operator: 'Equals', values: [props.queueName] }],
    timeGrain: 'PT1M',
    statistic: 'Average',
    timeWindow: window,
    timeAggregation: aggregation,
    operator,
    threshold,
    // Thresholds mean "orders waiting per instance".
    divideByInstanceCount: true,
  });
  const cpu = (operator: string, threshold: number, window: string) => ({
    metricName: 'CpuPercentage',
    metricNamespace: PLAN_METRICS,
    metricResourceId: props.planId,
    timeGrain: 'PT1M',
    statistic: 'Average',
    timeWindow: window,
    timeAggregation: 'Average',
    operator,
    threshold,
    divideByInstanceCount: false,
  });
  const increase = (value: number) => ({ direction: 'Increase', type: 'ChangeCount', value, cooldown: r.scaleOutCooldown });
  const decrease = { direction: 'Decrease', type: 'ChangeCount', value: 1, cooldown: r.scaleInCooldown };
  const cpuRules = [
    { metricTrigger: cpu('GreaterThan', r.scaleOutCpuPercent, r.scaleOutWindow), scaleAction: increase(1) },
    { metricTrigger: cpu('LessThan', r.scaleInCpuPercent, r.scaleInWindow), scaleAction: decrease },
  ];
  if (!r.backlog) return cpuRules;
  return [
    {
      metricTrigger: backlog('GreaterThan', r.backlog.scaleOutPerInstance, r.scaleOutWindow, 'Average'),
      scaleAction: increase(r.backlog.scaleOutStep),
    },
    cpuRules[0],
    // Maximum over the window: scale in only when the backlog stayed low the whole time.
    { metricTrigger: backlog('LessThan', r.backlog.scaleInPerInstance, r.scaleInWindow, 'Maximum'), scaleAction: decrease },
    cpuRules[1],
  ];
}

export interface MessagingUnitAutoscaleProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly namespaceId: string;
  readonly minimum: number;
  readonly maximum: number;
  readonly scaleOutCpuPercent: number;
  readonly scaleInCpuPercent: number;
  readonly notifyEmails: readonly string[];
  readonly metricSources: ITerraformDependable[];
  readonly tags: Record<string, string>;
}

/**
 * Scales a Premium namespace's messaging units on its CPU, as Microsoft recommends. Units come in
 * steps of 1, 2, 4, 8, 16, so each action asks for the next allowed value (`ServiceAllowedNextValue`,
 * value 1) instead of a count that could land on 3. The namespace ignores later capacity changes.
 */
export class MessagingUnitAutoscale extends Construct {
  readonly setting: MonitorAutoscaleSetting;

  constructor(scope: Construct, id: string, props: MessagingUnitAutoscaleProps) {
    super(scope, id);
    const cpu = (operator: string, threshold: number, window: string) => ({
      metricName: 'NamespaceCpuUsage',
      metricNamespace: SERVICE_BUS_METRICS,
      metricResourceId: props.namespaceId,
      timeGrain: 'PT1M',
      statistic: 'Average',
      timeWindow: window,
      timeAggregation: 'Average',
      operator,
      threshold,
      divideByInstanceCount: false,
    });
    const step = (direction: string) => ({ direction, type: 'ServiceAllowedNextValue', value: 1, cooldown: 'PT5M' });

    this.setting = new MonitorAutoscaleSetting(this, 'setting', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      targetResourceId: props.namespaceId,
      enabled: true,
      profile: [
        {
          name: 'default',
          capacity: capacity(props.minimum, props.minimum, props.maximum),
          rule: [
            { metricTrigger: cpu('GreaterThan', props.scaleOutCpuPercent, 'PT10M'), scaleAction: step('Increase') },
            { metricTrigger: cpu('LessThan', props.scaleInCpuPercent, 'PT30M'), scaleAction: step('Decrease') },
          ],
        },
      ],
      notification: { email: { customEmails: [...props.notifyEmails] } },
      tags: props.tags,
      dependsOn: [waitForMetrics(this, props.metricSources)],
    });
  }
}

function capacity(minimum: number, defaultCount: number, maximum: number) {
  return { minimum, default: defaultCount, maximum };
}

function waitForMetrics(scope: Construct, sources: ITerraformDependable[]): Sleep {
  return new Sleep(scope, 'wait-for-first-metrics', { createDuration: WAIT_FOR_FIRST_METRICS, dependsOn: sources });
}
