import { FUNCTION_NAMES, type FunctionName } from './registrations';

/**
 * The two function apps of the pipeline. Each has its own package, plan, identity and scale, so the
 * processor's backlog work never runs on the CPUs that answer the shop, and neither identity holds
 * the other's rights. The bundler builds one package per entry point, the stack deploys each to its
 * own app, and the contract tests load each package and compare what it registers with `functions`.
 */
export const APP_ROLES = ['orderApi', 'orderProcessor'] as const;

export type AppRole = (typeof APP_ROLES)[number];

export interface AppDefinition {
  /** Entry point inside `functions/`: it registers exactly `functions`, at load. */
  readonly entry: string;
  /** Short name inside resource names (`func-<prefix>-<env>-<slug>-<suffix>`): app names have a 32-character budget. */
  readonly slug: string;
  /** What it is, for descriptions and logs. */
  readonly title: string;
  readonly functions: readonly FunctionName[];
}

export const APPS: Readonly<Record<AppRole, AppDefinition>> = {
  orderApi: {
    entry: 'order-api.ts',
    slug: 'api',
    title: 'order API',
    functions: [FUNCTION_NAMES.submitOrder, FUNCTION_NAMES.getOrderStatus, FUNCTION_NAMES.openApiDocument, FUNCTION_NAMES.health],
  },
  orderProcessor: {
    entry: 'order-processor.ts',
    slug: 'proc',
    title: 'order processor',
    // Its own health endpoint: App Service health-checks every app, and a processor with broken
    // settings must leave the load balancer's rotation (and be replaced) like the API would.
    // The dead-letter scan runs here: it needs the processor's rights (Receiver on the queue, which
    // covers its dead-letter queue; Contributor on the orders table) and nothing the API holds.
    functions: [FUNCTION_NAMES.processOrder, FUNCTION_NAMES.scanDeadLetters, FUNCTION_NAMES.health],
  },
};
