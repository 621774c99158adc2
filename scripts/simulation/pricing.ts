import { PLAN_SKUS, type PlanSku } from '../../lib/config/plan-skus';
import type { ElasticPremiumSku } from '../../lib/config/types';

/**
 * Unit prices (USD), each with its date and source (listed in ASSUMPTIONS.md, "Prices").
 * None comes from an official pricing page: allow about ±15% [I], and check them against
 * https://azure.microsoft.com/pricing/details/app-service/linux/,
 * https://azure.microsoft.com/pricing/details/functions/ and
 * https://azure.microsoft.com/pricing/details/service-bus/ before quoting a figure. They are East US
 * pay-as-you-go prices (P0v3: East US 2, no East US figure found); West Europe (where the stack
 * deploys) differs.
 */

export interface UnitPrice {
  readonly usd: number;
  readonly unit: string;
  /** When the figure was read or verified, as its source states. */
  readonly date: string;
  readonly source: string;
  readonly tag: 'D' | 'C' | 'I';
}

export const PRICE_UNCERTAINTY = 0.15;

/** Elastic Premium meters, East US: "Premium vCPU Duration" and "Premium Memory Duration". */
const EP_VCPU_HOUR = 0.173;
const EP_GB_HOUR = 0.0123;

/** An Elastic Premium SKU's price, from its vCPU and memory in the one SKU table (lib/config/plan-skus.ts). */
function elastic(sku: ElasticPremiumSku): UnitPrice {
  const { vcpu, memoryGb } = PLAN_SKUS[sku];
  return {
    usd: Math.round((vcpu * EP_VCPU_HOUR + memoryGb * EP_GB_HOUR) * 10_000) / 10_000,
    unit: 'instance-hour',
    date: '2026 (undated test fixtures and docs, read 2026)',
    source: `Azure Retail Prices API meters quoted by third-party repositories, East US: $${EP_VCPU_HOUR} per vCPU-hour + $${EP_GB_HOUR} per GB-hour (${vcpu} vCPU, ${memoryGb} GB); East US 2 lists EP1 at ~$0.200`,
    tag: 'C',
  };
}

/**
 * Linux plans, per instance-hour. Elastic Premium bills vCPU and memory per second of every allocated
 * instance [D] (Premium plan docs: "billed for the total number of cores and memory you provision, per
 * second for each instance allocated"): always-ready, the plan minimum, burst instances and the prewarmed
 * buffer while allocated.
 */
export const PLAN_INSTANCE_HOUR: Readonly<Partial<Record<PlanSku, UnitPrice>>> = {
  P0v3: {
    usd: 0.0775,
    unit: 'instance-hour',
    date: '2026-04-03',
    source:
      'Azure Retail Prices API, East US 2 ($56.58/month), as quoted in a third-party README; no East US figure found; half of P1v3, as in the other regions seen',
    tag: 'C',
  },
  P1v3: {
    usd: 0.155,
    unit: 'instance-hour',
    date: '2026-04-18',
    source: 'Azure Retail Prices API, East US, as quoted in a third-party assumptions log ($113.15/month)',
    tag: 'C',
  },
  P2v3: {
    usd: 0.31,
    unit: 'instance-hour',
    date: '2026-04-18',
    source: 'Azure Retail Prices API, East US, as quoted in a third-party assumptions log ($226.30/month)',
    tag: 'C',
  },
  // 1 vCPU x $0.173 + 3.5 GB x $0.0123 = $0.216; EP2 and EP3 double it each time.
  EP1: elastic('EP1'),
  EP2: elastic('EP2'),
  EP3: elastic('EP3'),
};

export const SERVICE_BUS_PREMIUM_MU_HOUR: UnitPrice = {
  usd: 0.928,
  unit: 'messaging-unit-hour',
  date: '2026-05',
  source: 'third-party cost tool, marked "verified May 2026" (~$677 per MU-month); billed hourly per MU [D]',
  tag: 'C',
};

export const SERVICE_BUS_STANDARD_BASE_HOUR: UnitPrice = {
  usd: 0.0135,
  unit: 'namespace-hour (includes 13M operations/month)',
  date: 'undated (several repositories, read 2026)',
  source: 'third-party repositories quoting the Service Bus pricing page (~$9.86/month)',
  tag: 'C',
};

/** Standard operations beyond the included 13M per month: $0.80/M up to 100M, $0.50/M to 2.5B, $0.20/M above. */
export const SERVICE_BUS_STANDARD_OPERATIONS: UnitPrice = {
  usd: 0.8,
  unit: 'million operations (13M-100M per month tier)',
  date: 'undated (several repositories, read 2026)',
  source: 'third-party repositories quoting the Service Bus pricing page',
  tag: 'C',
};

/** Logic Apps (Consumption) actions, for the always-ready schedule of an Elastic Premium app. */
export const LOGIC_APP_ACTION: UnitPrice = {
  usd: 0.000025,
  unit: 'action',
  date: 'about 2020 (a gist quoting the pricing page); the 2026 page adds 4,000 free actions a month',
  source:
    'third-party gist quoting https://azure.microsoft.com/pricing/details/logic-apps/; every action and trigger is metered [D] (logic-apps-pricing.md)',
  tag: 'C',
};

const STANDARD_INCLUDED_OPERATIONS_PER_MONTH = 13_000_000;
const HOURS_PER_MONTH = 730;

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number | undefined;
}

export interface CostEstimate {
  readonly lines: readonly CostLine[];
  /** Undefined when a line has no sourced price (e.g. a SKU without one). */
  readonly totalUsd: number | undefined;
}

export interface PlanUsage {
  /** What the plan hosts, for the cost line: `order processor`, `order API`. */
  readonly label: string;
  readonly sku: string;
  readonly instanceHours: number;
}

export interface CostInput {
  readonly planSku: string;
  readonly instanceHours: number;
  /** The cost line's label for that plan. @default `App Service <sku>` */
  readonly planLabel?: string;
  /** More plans in the same estimate (the order API's, next to the processor's). */
  readonly morePlans?: readonly PlanUsage[];
  /** Omitted for the synchronous side (no queue). */
  readonly serviceBus?: {
    readonly sku: string;
    readonly messagingUnits: number | undefined;
    readonly hours: number;
    readonly operations: number;
  };
  /** Actions the always-ready schedules ran (Logic Apps), if any. */
  readonly scheduleActions?: number;
  /** Overrides the price per instance-hour of a SKU without a sourced price. */
  readonly instanceHourUsd?: number;
}

/** The sourced price of a plan SKU; undefined for a SKU without one. */
function priceOf(sku: string): UnitPrice | undefined {
  return (PLAN_INSTANCE_HOUR as Readonly<Record<string, UnitPrice | undefined>>)[sku];
}

export function estimateCost(input: CostInput): CostEstimate {
  const planLine = (label: string, sku: string, hours: number): CostLine => {
    const price = priceOf(sku)?.usd ?? input.instanceHourUsd;
    return { item: label, quantity: hours, unit: 'instance-hours', usd: price === undefined ? undefined : hours * price };
  };
  const lines: CostLine[] = [
    planLine(input.planLabel ?? `App Service ${input.planSku}`, input.planSku, input.instanceHours),
    ...(input.morePlans ?? []).map((p) => planLine(p.label, p.sku, p.instanceHours)),
  ];
  const sb = input.serviceBus;
  if (sb?.sku === 'Premium') {
    const muHours = (sb.messagingUnits ?? 1) * sb.hours;
    lines.push({ item: 'Service Bus Premium', quantity: muHours, unit: 'MU-hours', usd: muHours * SERVICE_BUS_PREMIUM_MU_HOUR.usd });
  } else if (sb) {
    // The 13M included operations per month, prorated to the simulated hours.
    const included = (STANDARD_INCLUDED_OPERATIONS_PER_MONTH * sb.hours) / HOURS_PER_MONTH;
    const billable = Math.max(0, sb.operations - included);
    lines.push({
      item: 'Service Bus Standard base',
      quantity: sb.hours,
      unit: 'hours',
      usd: sb.hours * SERVICE_BUS_STANDARD_BASE_HOUR.usd,
    });
    lines.push({
      item: 'Service Bus Standard operations',
      quantity: billable,
      unit: 'billable operations',
      usd: (billable / 1e6) * SERVICE_BUS_STANDARD_OPERATIONS.usd,
    });
  }
  if (input.scheduleActions) {
    lines.push({
      item: 'Logic Apps schedule',
      quantity: input.scheduleActions,
      unit: 'actions',
      usd: input.scheduleActions * LOGIC_APP_ACTION.usd,
    });
  }
  const totalUsd = lines.every((l) => l.usd !== undefined) ? lines.reduce((sum, l) => sum + (l.usd ?? 0), 0) : undefined;
  return { lines, totalUsd };
}

/** The prices a run used, for printing with their dates and sources. */
export function pricesFor(
  planSkus: readonly string[],
  serviceBusSku: string | undefined,
  withSchedule = false,
): Array<{ readonly name: string; readonly price: UnitPrice }> {
  const out: Array<{ name: string; price: UnitPrice }> = [];
  for (const sku of [...new Set(planSkus)]) {
    const plan = priceOf(sku);
    if (!plan) continue;
    const elastic = PLAN_SKUS[sku as PlanSku].kind === 'elasticPremium';
    out.push({ name: elastic ? `Functions Elastic Premium ${sku} (Linux)` : `App Service Linux ${sku}`, price: plan });
  }
  if (serviceBusSku === 'Premium') out.push({ name: 'Service Bus Premium', price: SERVICE_BUS_PREMIUM_MU_HOUR });
  if (serviceBusSku === 'Standard') {
    out.push({ name: 'Service Bus Standard base', price: SERVICE_BUS_STANDARD_BASE_HOUR });
    out.push({ name: 'Service Bus Standard operations', price: SERVICE_BUS_STANDARD_OPERATIONS });
  }
  if (withSchedule) out.push({ name: 'Logic Apps (Consumption) action', price: LOGIC_APP_ACTION });
  return out;
}
