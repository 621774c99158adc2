import { environments, stackName } from './config/environments';
import { resourceNames } from './naming';

/**
 * Where an environment's order queue lives, for operator tools (dlq, loadtest) that run outside
 * Terraform. Derived from the same typed configuration and naming rules as the stack, so no synth
 * and no Terraform state is needed to find it.
 */
export interface EnvironmentTargets {
  /** e.g. `sb-orders-prod-1a2b3c.servicebus.windows.net` */
  readonly serviceBusFqdn: string;
  /** e.g. `orders` */
  readonly queueName: string;
  /** e.g. `func-orders-prod-api-1a2b3c`; the API is at https://<orderApiApp>.azurewebsites.net/api */
  readonly orderApiApp: string;
}

/** Accepts an environment's name (`prod`) or its stack name (`orders-prod`). */
export function environmentTargets(environment: string): EnvironmentTargets {
  const env = environments.find((e) => e.name === environment || stackName(e) === environment);
  if (!env) {
    const known = environments.map((e) => e.name).join(', ');
    throw new Error(`unknown environment '${environment}': expected one of ${known} (lib/config/environments.ts)`);
  }
  const names = resourceNames(env);
  return {
    serviceBusFqdn: `${names.serviceBusNamespace}.servicebus.windows.net`,
    queueName: names.queue,
    orderApiApp: names.apps.orderApi.functionApp,
  };
}
