import { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
import { MessagingUnitAutoscale, PLAN_METRICS, PlanAutoscale, SERVICE_BUS_METRICS } from '../../lib/autoscale';
import { dev, prod } from '../../lib/config/environments';
import type { DedicatedHosting } from '../../lib/config/types';
import { prodOnDedicated } from '../helpers/environments';
import { synthBare, WHERE } from '../helpers/bare-stack';
import { refTo, resourceAt, type TerraformJson } from '../helpers/synth';

/**
 * Azure Monitor autoscale of a Dedicated plan and of Premium messaging units, built on a bare stack
 * with the plan, namespace and queue whose metrics the rules read.
 */

const dedicated = (hosting: unknown): DedicatedHosting => {
  if ((hosting as DedicatedHosting).kind !== 'dedicated') throw new Error('expected a Dedicated hosting');
  return hosting as DedicatedHosting;
};
const processor = dedicated(prodOnDedicated.apps.orderProcessor);
const api = dedicated(prod.apps.orderApi);
const EMAILS = ['oncall@example.com'];

function synth(
  hosting: DedicatedHosting,
  saleWindows = prodOnDedicated.saleWindows,
  role: 'orderApi' | 'orderProcessor' = 'orderProcessor',
): TerraformJson {
  return synthBare((stack) => {
    const plan = new ServicePlan(stack, 'plan', { ...WHERE, name: 'asp-test', osType: 'Linux', skuName: hosting.sku });
    const namespace = new ServicebusNamespace(stack, 'namespace', {
      ...WHERE,
      name: 'sb-test',
      sku: 'Premium',
      capacity: 1,
      premiumMessagingPartitions: 1,
    });
    const queue = new ServicebusQueue(stack, 'queue', { name: 'orders', namespaceId: namespace.id });
    new PlanAutoscale(stack, 'plan-autoscale', {
      ...WHERE,
      name: 'autoscale-asp-test',
      planId: plan.id,
      namespaceId: namespace.id,
      queueName: queue.name,
      instances: hosting.instances,
      rules: hosting.autoscale,
      saleWindows: saleWindows.map((window) => ({ window, minimumInstances: window.minimumInstances[role] })),
      notifyEmails: EMAILS,
      metricSources: [plan, namespace],
    });
    new MessagingUnitAutoscale(stack, 'unit-autoscale', {
      ...WHERE,
      name: 'autoscale-sb-test',
      namespaceId: namespace.id,
      ...prod.serviceBus.messagingUnits!,
      notifyEmails: EMAILS,
      metricSources: [namespace],
    });
  }).tf;
}

describe('a plan scaled on queue backlog and CPU (the processor of prod on Dedicated)', () => {
  const tf = synth(processor);
  const setting = resourceAt(tf, 'azurerm_monitor_autoscale_setting', 'plan-autoscale/setting');
  const rules = processor.autoscale;
  const backlog = rules.backlog!;

  test('one setting targets the plan, and tells the receivers; no predictive autoscale', () => {
    expect(setting).toMatchObject({
      name: 'autoscale-asp-test',
      enabled: true,
      target_resource_id: refTo(tf, 'azurerm_service_plan', 'plan', 'id'),
    });
    expect(setting.notification).toEqual({ email: { custom_emails: EMAILS } });
    expect(setting.predictive).toBeUndefined();
  });

  test('scales out on queue backlog per instance: ActiveMessages of our queue on the namespace', () => {
    const [out] = setting.profile[0].rule;
    expect(out.metric_trigger).toEqual({
      metric_name: 'ActiveMessages',
      metric_namespace: SERVICE_BUS_METRICS,
      metric_resource_id: refTo(tf, 'azurerm_servicebus_namespace', 'namespace', 'id'),
      dimensions: [{ name: 'EntityName', operator: 'Equals', values: [refTo(tf, 'azurerm_servicebus_queue', 'queue', 'name')] }],
      divide_by_instance_count: true,
      time_grain: 'PT1M',
      statistic: 'Average',
      time_window: rules.scaleOutWindow,
      time_aggregation: 'Average',
      operator: 'GreaterThan',
      threshold: backlog.scaleOutPerInstance,
    });
    expect(out.scale_action).toEqual({
      direction: 'Increase',
      type: 'ChangeCount',
      value: backlog.scaleOutStep,
      cooldown: rules.scaleOutCooldown,
    });
  });

  test('scales out on CPU too, and scales in only on both, over a longer window with a longer cooldown', () => {
    const all = setting.profile[0].rule;
    expect(all.map((r: any) => [r.metric_trigger.metric_name, r.metric_trigger.operator, r.scale_action.direction])).toEqual([
      ['ActiveMessages', 'GreaterThan', 'Increase'],
      ['CpuPercentage', 'GreaterThan', 'Increase'],
      ['ActiveMessages', 'LessThan', 'Decrease'],
      ['CpuPercentage', 'LessThan', 'Decrease'],
    ]);
    expect(all[1].metric_trigger).toMatchObject({
      metric_namespace: PLAN_METRICS,
      metric_resource_id: refTo(tf, 'azurerm_service_plan', 'plan', 'id'),
      threshold: rules.scaleOutCpuPercent,
      divide_by_instance_count: false,
    });
    for (const scaleIn of all.slice(2)) {
      expect(scaleIn.metric_trigger.time_window).toBe(rules.scaleInWindow);
      expect(scaleIn.scale_action).toMatchObject({ value: 1, cooldown: rules.scaleInCooldown });
    }
    // Maximum over the window: in only when the backlog stayed low the whole time.
    expect(all[2].metric_trigger).toMatchObject({
      threshold: backlog.scaleInPerInstance,
      divide_by_instance_count: true,
      time_aggregation: 'Maximum',
    });
    expect(all[3].metric_trigger.threshold).toBe(rules.scaleInCpuPercent);
  });

  test('the default profile holds the instance limits', () => {
    const { minimum, maximum } = processor.instances;
    expect(setting.profile[0]).toMatchObject({ name: 'default', capacity: { minimum, default: processor.instances.default, maximum } });
    expect(setting.profile[0].fixed_date).toBeUndefined();
  });

  test("each sale window is a fixed-date profile that holds the window's minimum and repeats every rule", () => {
    const profiles = setting.profile.slice(1);
    expect(profiles.map((p: any) => p.name)).toEqual(prodOnDedicated.saleWindows.map((w) => w.name));
    prodOnDedicated.saleWindows.forEach((window, i) => {
      const minimum = window.minimumInstances.orderProcessor;
      expect(profiles[i].capacity).toEqual({ minimum, default: minimum, maximum: processor.instances.maximum });
      expect(profiles[i].fixed_date).toEqual({ start: `${window.start}Z`, end: `${window.end}Z`, timezone: window.timeZone });
      expect(profiles[i].rule).toEqual(setting.profile[0].rule);
    });
  });

  test('the setting waits for the first metrics of the plan and the namespace', () => {
    const wait = resourceAt(tf, 'time_sleep', 'plan-autoscale/wait-for-first-metrics');
    expect(wait.create_duration).toBe('300s');
    expect(wait.depends_on).toEqual([
      expect.stringMatching(/^azurerm_service_plan\./),
      expect.stringMatching(/^azurerm_servicebus_namespace\./),
    ]);
    expect(setting.depends_on).toEqual([expect.stringMatching(/^time_sleep\./)]);
  });
});

test('a plan without backlog rules scales on CPU only (the API does not drain the queue), in every profile', () => {
  const setting = resourceAt(synth(api, prod.saleWindows, 'orderApi'), 'azurerm_monitor_autoscale_setting', 'plan-autoscale/setting');
  for (const profile of setting.profile) {
    expect(profile.rule.map((r: any) => [r.metric_trigger.metric_name, r.scale_action.direction])).toEqual([
      ['CpuPercentage', 'Increase'],
      ['CpuPercentage', 'Decrease'],
    ]);
  }
  expect(setting.profile.slice(1).map((p: any) => p.capacity.minimum)).toEqual(prod.saleWindows.map((w) => w.minimumInstances.orderApi));
});

test('no sale windows: the default profile only', () => {
  const setting = resourceAt(synth(dedicated(dev.apps.orderProcessor), []), 'azurerm_monitor_autoscale_setting', 'plan-autoscale/setting');
  expect(setting.profile.map((p: any) => p.name)).toEqual(['default']);
  expect(setting.profile[0].capacity).toEqual(dedicated(dev.apps.orderProcessor).instances);
});

test('Premium messaging units scale on namespace CPU by the next allowed value, and tell the receivers', () => {
  const tf = synth(processor);
  const setting = resourceAt(tf, 'azurerm_monitor_autoscale_setting', 'unit-autoscale/setting');
  const units = prod.serviceBus.messagingUnits!;
  expect(setting.target_resource_id).toBe(refTo(tf, 'azurerm_servicebus_namespace', 'namespace', 'id'));
  expect(setting.notification).toEqual({ email: { custom_emails: EMAILS } });
  const [profile] = setting.profile;
  expect(profile.capacity).toEqual({ minimum: units.minimum, default: units.minimum, maximum: units.maximum });
  for (const rule of profile.rule) {
    expect(rule.metric_trigger).toMatchObject({
      metric_name: 'NamespaceCpuUsage',
      metric_namespace: SERVICE_BUS_METRICS,
      metric_resource_id: setting.target_resource_id,
    });
    expect(rule.scale_action).toMatchObject({ type: 'ServiceAllowedNextValue', value: 1 });
  }
  expect(profile.rule.map((r: any) => [r.scale_action.direction, r.metric_trigger.threshold])).toEqual([
    ['Increase', units.scaleOutCpuPercent],
    ['Decrease', units.scaleInCpuPercent],
  ]);
  expect(resourceAt(tf, 'time_sleep', 'unit-autoscale/wait-for-first-metrics').depends_on).toEqual([
    expect.stringMatching(/^azurerm_servicebus_namespace\./),
  ]);
});
