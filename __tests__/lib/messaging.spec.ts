import { ServicebusNamespace } from '@cdktf/provider-azurerm/lib/servicebus-namespace';
import { ServicebusQueue } from '@cdktf/provider-azurerm/lib/servicebus-queue';
import { dev, prod } from '../../lib/config/environments';
import type { ServiceBusConfig } from '../../lib/config/types';
import { Messaging } from '../../lib/messaging';
import { bareMonitoring, diagnosticsByTarget, synthBare, WHERE } from '../helpers/bare-stack';
import { onlyResource, refTo } from '../helpers/synth';

/** The namespace and the orders queue, built alone: what each prop changes. */

function synth(options: { serviceBus?: ServiceBusConfig; preventDestroy?: boolean; publicNetworkAccess?: boolean } = {}) {
  let fqdn = '';
  const synthesized = synthBare((stack) => {
    const messaging = new Messaging(stack, 'messaging', {
      ...WHERE,
      namespaceName: 'sb-test',
      serviceBus: options.serviceBus ?? prod.serviceBus,
      queue: prod.queue,
      preventDestroy: options.preventDestroy ?? false,
      publicNetworkAccess: options.publicNetworkAccess ?? true,
      monitoring: bareMonitoring(stack),
    });
    fqdn = messaging.fullyQualifiedNamespace;
  });
  return { ...synthesized, fqdn };
}

const premium = synth();
const standard = synth({ serviceBus: dev.serviceBus });

test('the namespace takes Entra ID only, over TLS 1.2, on either SKU', () => {
  expect(standard.json).toHaveResourceWithProperties(ServicebusNamespace, {
    sku: 'Standard',
    local_auth_enabled: false,
    minimum_tls_version: '1.2',
  });
  expect(premium.json).toHaveResourceWithProperties(ServicebusNamespace, {
    sku: 'Premium',
    local_auth_enabled: false,
    minimum_tls_version: '1.2',
  });
});

test('the orders queue dead-letters instead of dropping, and drops duplicate order ids', () => {
  expect(premium.json).toHaveResourceWithProperties(ServicebusQueue, {
    name: 'orders',
    dead_lettering_on_message_expiration: true,
    max_delivery_count: 10,
    lock_duration: 'PT1M',
    requires_duplicate_detection: true,
    duplicate_detection_history_time_window: 'PT10M',
    default_message_ttl: 'P14D',
    max_size_in_megabytes: prod.queue.maxSizeInMegabytes,
  });
  expect(onlyResource(premium.tf, 'azurerm_servicebus_queue').namespace_id).toBe(
    refTo(premium.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id'),
  );
});

test('Premium: messaging units at creation and one partition, a system identity; Terraform leaves the units to autoscale afterwards', () => {
  const namespace = onlyResource(premium.tf, 'azurerm_servicebus_namespace');
  expect(namespace.capacity).toBe(prod.serviceBus.messagingUnits!.minimum);
  expect(namespace.premium_messaging_partitions).toBe(1);
  expect(namespace.identity).toEqual({ type: 'SystemAssigned' });
  expect(namespace.lifecycle.ignore_changes).toEqual(['capacity']);
});

test('Standard: no capacity, partitions, identity or ignored changes', () => {
  const namespace = onlyResource(standard.tf, 'azurerm_servicebus_namespace');
  expect(namespace).not.toHaveProperty('capacity');
  expect(namespace).not.toHaveProperty('premium_messaging_partitions');
  expect(namespace).not.toHaveProperty('identity');
  expect(namespace.lifecycle.ignore_changes).toBeUndefined();
});

test.each([true, false])("preventDestroy %s is the namespace's prevent_destroy", (preventDestroy) => {
  expect(onlyResource(synth({ preventDestroy }).tf, 'azurerm_servicebus_namespace').lifecycle.prevent_destroy).toBe(preventDestroy);
});

test('publicNetworkAccess is the namespace flag, with no network_rule_set in either posture', () => {
  for (const publicNetworkAccess of [true, false]) {
    const namespace = onlyResource(synth({ publicNetworkAccess }).tf, 'azurerm_servicebus_namespace');
    expect(namespace.public_network_access_enabled).toBe(publicNetworkAccess);
    expect(namespace).not.toHaveProperty('network_rule_set');
  }
});

test('the namespace sends all its logs and metrics to the workspace; the SDK connects to its host name', () => {
  const setting = diagnosticsByTarget(premium.tf)[refTo(premium.tf, 'azurerm_servicebus_namespace', 'messaging/namespace', 'id')];
  expect(setting).toMatchObject({ enabled_log: [{ category_group: 'allLogs' }], enabled_metric: [{ category: 'AllMetrics' }] });
  expect(premium.fqdn).toBe('sb-test.servicebus.windows.net');
});
