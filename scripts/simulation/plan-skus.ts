/**
 * vCPUs of the Linux Premium v3 SKUs the stack allows (lib/config/types.ts PlanSku). P1v3 (2 vCPU,
 * 8 GB) and P2v3 (4 vCPU, 16 GB) are [C] (a third-party guide, reference §4); the rest follow the
 * same published series on https://azure.microsoft.com/pricing/details/app-service/linux/ [I, not
 * checked against the page]. Premium v3 plans hold at most 30 instances [D] (azure-websites-limits).
 */
export interface PlanSkuFacts {
  readonly vcpu: number;
  readonly memoryGb: number;
  readonly tag: 'C' | 'I';
}

const SKUS: Record<string, PlanSkuFacts> = {
  P0v3: { vcpu: 1, memoryGb: 4, tag: 'I' },
  P1v3: { vcpu: 2, memoryGb: 8, tag: 'C' },
  P2v3: { vcpu: 4, memoryGb: 16, tag: 'C' },
  P3v3: { vcpu: 8, memoryGb: 32, tag: 'I' },
  P1mv3: { vcpu: 2, memoryGb: 16, tag: 'I' },
  P2mv3: { vcpu: 4, memoryGb: 32, tag: 'I' },
  P3mv3: { vcpu: 8, memoryGb: 64, tag: 'I' },
  P4mv3: { vcpu: 16, memoryGb: 128, tag: 'I' },
  P5mv3: { vcpu: 32, memoryGb: 256, tag: 'I' },
};

export const PREMIUM_V3_MAX_INSTANCES = 30;

export function planSku(sku: string): PlanSkuFacts {
  const facts = SKUS[sku];
  if (!facts) throw new Error(`plan SKU '${sku}' is not simulated; expected one of ${Object.keys(SKUS).join(', ')}`);
  return facts;
}
