/**
 * Unit prices (USD), each with its date and source, from §6 of the team's reference notes
 * (shared/reference/autoscale-model.md, kept beside the repository).
 * None comes from an official pricing page: allow about ±15% [I], and check them against
 * https://azure.microsoft.com/pricing/details/app-service/linux/ and
 * https://azure.microsoft.com/pricing/details/service-bus/ before quoting a figure. They are East US
 * pay-as-you-go prices; West Europe (where the stack deploys) differs.
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

/** App Service Linux, per instance-hour. */
export const PLAN_INSTANCE_HOUR: Readonly<Record<string, UnitPrice>> = {
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

export interface CostInput {
  readonly planSku: string;
  readonly instanceHours: number;
  /** Omitted for the synchronous side (no queue). */
  readonly serviceBus?: { readonly sku: string; readonly messagingUnits: number | undefined; readonly hours: number; readonly operations: number };
  /** Overrides the plan's price per instance-hour (e.g. for a SKU without a sourced price). */
  readonly instanceHourUsd?: number;
}

export function estimateCost(input: CostInput): CostEstimate {
  const planPrice = input.instanceHourUsd ?? PLAN_INSTANCE_HOUR[input.planSku]?.usd;
  const lines: CostLine[] = [
    { item: `App Service ${input.planSku}`, quantity: input.instanceHours, unit: 'instance-hours', usd: planPrice === undefined ? undefined : input.instanceHours * planPrice },
  ];
  const sb = input.serviceBus;
  if (sb?.sku === 'Premium') {
    const muHours = (sb.messagingUnits ?? 1) * sb.hours;
    lines.push({ item: 'Service Bus Premium', quantity: muHours, unit: 'MU-hours', usd: muHours * SERVICE_BUS_PREMIUM_MU_HOUR.usd });
  } else if (sb) {
    // The 13M included operations per month, prorated to the simulated hours.
    const included = (STANDARD_INCLUDED_OPERATIONS_PER_MONTH * sb.hours) / HOURS_PER_MONTH;
    const billable = Math.max(0, sb.operations - included);
    lines.push({ item: 'Service Bus Standard base', quantity: sb.hours, unit: 'hours', usd: sb.hours * SERVICE_BUS_STANDARD_BASE_HOUR.usd });
    lines.push({ item: 'Service Bus Standard operations', quantity: billable, unit: 'billable operations', usd: (billable / 1e6) * SERVICE_BUS_STANDARD_OPERATIONS.usd });
  }
  const totalUsd = lines.every((l) => l.usd !== undefined) ? lines.reduce((sum, l) => sum + (l.usd ?? 0), 0) : undefined;
  return { lines, totalUsd };
}

/** The prices a run used, for printing with their dates and sources. */
export function pricesFor(planSku: string, serviceBusSku: string | undefined): Array<{ readonly name: string; readonly price: UnitPrice }> {
  const out: Array<{ name: string; price: UnitPrice }> = [];
  const plan = PLAN_INSTANCE_HOUR[planSku];
  if (plan) out.push({ name: `App Service Linux ${planSku}`, price: plan });
  if (serviceBusSku === 'Premium') out.push({ name: 'Service Bus Premium', price: SERVICE_BUS_PREMIUM_MU_HOUR });
  if (serviceBusSku === 'Standard') {
    out.push({ name: 'Service Bus Standard base', price: SERVICE_BUS_STANDARD_BASE_HOUR });
    out.push({ name: 'Service Bus Standard operations', price: SERVICE_BUS_STANDARD_OPERATIONS });
  }
  return out;
}
