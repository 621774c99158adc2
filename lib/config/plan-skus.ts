/**
 * The App Service plan SKUs the stack offers, with the facts the validation and the simulation need:
 * one table, so the allowed list, the types and the vCPU counts cannot drift apart.
 *
 * Sources and firmness ([D] Microsoft docs, [C] community, [I] our inference):
 * - Premium v3: P1v3 (2 vCPU, 8 GB) and P2v3 (4 vCPU, 16 GB) [C] (a third-party guide); the others
 *   follow the same published series (https://azure.microsoft.com/pricing/details/app-service/linux/)
 *   [I, not checked against the page]. A Premium v3 plan holds at most 30 instances [D] (App Service limits).
 * - Elastic Premium: EP1 = 1 core / 3.5 GB, EP2 = 2 / 7 GB, EP3 = 4 / 14 GB [D] (Azure Functions
 *   Premium plan docs, "Available instance SKUs"). The maximum burst on Linux is 20 to 100 instances
 *   depending on the region [D] (same page, "Region max scale out"); 100 in West Europe.
 */

export type PlanKind = 'dedicated' | 'elasticPremium';

export interface PlanSkuFacts {
  readonly kind: PlanKind;
  readonly vcpu: number;
  readonly memoryGb: number;
  /** Largest instance count of one plan. */
  readonly maxInstances: number;
  readonly tag: 'D' | 'C' | 'I';
}

const dedicated = (vcpu: number, memoryGb: number, tag: PlanSkuFacts['tag']) => ({
  kind: 'dedicated' as const,
  vcpu,
  memoryGb,
  maxInstances: 30,
  tag,
});
const elastic = (vcpu: number, memoryGb: number) => ({
  kind: 'elasticPremium' as const,
  vcpu,
  memoryGb,
  maxInstances: 100,
  tag: 'D' as const,
});

export const PLAN_SKUS = {
  P0v3: dedicated(1, 4, 'I'),
  P1v3: dedicated(2, 8, 'C'),
  P2v3: dedicated(4, 16, 'C'),
  P3v3: dedicated(8, 32, 'I'),
  P1mv3: dedicated(2, 16, 'I'),
  P2mv3: dedicated(4, 32, 'I'),
  P3mv3: dedicated(8, 64, 'I'),
  P4mv3: dedicated(16, 128, 'I'),
  P5mv3: dedicated(32, 256, 'I'),
  EP1: elastic(1, 3.5),
  EP2: elastic(2, 7),
  EP3: elastic(4, 14),
} as const satisfies Record<string, PlanSkuFacts>;

export type PlanSku = keyof typeof PLAN_SKUS;

/** The SKUs of one plan kind, in table order (as azurerm spells them: `P1v3`, not `P1V3`). */
export function skusOf(kind: PlanKind): PlanSku[] {
  return (Object.keys(PLAN_SKUS) as PlanSku[]).filter((sku) => PLAN_SKUS[sku].kind === kind);
}

export function planSku(sku: string): PlanSkuFacts {
  const facts = (PLAN_SKUS as Record<string, PlanSkuFacts>)[sku];
  if (!facts) throw new Error(`plan SKU '${sku}' is not known; expected one of ${Object.keys(PLAN_SKUS).join(', ')}`);
  return facts;
}
