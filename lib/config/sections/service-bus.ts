import type { Checks } from '../checks';
import type { EnvironmentConfig } from '../types';

/**
 * The `serviceBus` section of an environment's configuration: the namespace tier and its messaging-unit
 * autoscale: type, secure default and rules.
 */

/** Standard has no messaging units; Premium scales by messaging units. Basic has no duplicate detection, so it is not offered. */
export const SERVICE_BUS_SKUS = ['Standard', 'Premium'] as const;
export type ServiceBusSku = (typeof SERVICE_BUS_SKUS)[number];
/** Premium namespaces scale in these steps (azurerm: servicebus_namespace capacity). */
export const MESSAGING_UNITS = [1, 2, 4, 8, 16] as const;

export interface ServiceBusConfig {
  readonly sku: ServiceBusSku;
  /** Premium only: messaging units at creation and the autoscale range (1, 2, 4, 8 or 16). */
  readonly messagingUnits?: {
    readonly minimum: number;
    readonly maximum: number;
    /** Add a messaging unit above this namespace CPU percentage. */
    readonly scaleOutCpuPercent: number;
    /** Remove one below this namespace CPU percentage. */
    readonly scaleInCpuPercent: number;
  };
}

/** Premium: capacity isolated for the surge, and the only tier that takes private endpoints. */
export const defaultServiceBus: ServiceBusConfig = {
  sku: 'Premium',
  messagingUnits: { minimum: 1, maximum: 4, scaleOutCpuPercent: 70, scaleInCpuPercent: 25 },
};

export function checkServiceBus(c: Checks, env: Pick<EnvironmentConfig, 'serviceBus'>): void {
  const sb = env.serviceBus;
  c.oneOf('serviceBus.sku', sb.sku, SERVICE_BUS_SKUS);
  if (sb.sku === 'Premium') {
    if (!sb.messagingUnits) {
      c.fail(
        'serviceBus.messagingUnits',
        sb.messagingUnits,
        'required with sku Premium: { minimum, maximum, scaleOutCpuPercent, scaleInCpuPercent }',
      );
      return;
    }
    const mu = sb.messagingUnits;
    c.oneOf('serviceBus.messagingUnits.minimum', mu.minimum, MESSAGING_UNITS);
    c.oneOf('serviceBus.messagingUnits.maximum', mu.maximum, MESSAGING_UNITS);
    c.check(
      mu.minimum <= mu.maximum,
      'serviceBus.messagingUnits.minimum',
      mu.minimum,
      `expected at most messagingUnits.maximum (${mu.maximum})`,
    );
    c.integer('serviceBus.messagingUnits.scaleOutCpuPercent', mu.scaleOutCpuPercent, 1, 100);
    c.integer('serviceBus.messagingUnits.scaleInCpuPercent', mu.scaleInCpuPercent, 1, 100);
    c.check(
      mu.scaleInCpuPercent < mu.scaleOutCpuPercent,
      'serviceBus.messagingUnits.scaleInCpuPercent',
      mu.scaleInCpuPercent,
      `expected less than scaleOutCpuPercent (${mu.scaleOutCpuPercent}), or the namespace flaps`,
    );
  } else if (sb.messagingUnits) {
    c.fail('serviceBus.messagingUnits', sb.messagingUnits, 'only a Premium namespace has messaging units; remove it or use sku Premium');
  }
}
