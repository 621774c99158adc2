import { prod } from '../../lib/config/environments';
import type { EnvironmentConfig } from '../../lib/config/types';
import { HOSTING_VARIANTS, withHosting } from '../../scripts/simulation/variants';

/**
 * prod with both apps on Dedicated Premium v3 plans and Azure Monitor autoscale: the hosting prod
 * shipped with before it moved the processor to Elastic Premium, and still a supported choice. The
 * stack tests that check what a Dedicated plan, its autoscale setting and its sale profiles declare in
 * a production environment read this one (the variant is defined once, in the simulation's catalogue).
 */
export const prodOnDedicated: EnvironmentConfig = { ...withHosting(prod, HOSTING_VARIANTS['p1v3+p1v3']), name: 'prod' };
