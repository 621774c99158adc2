import type { HttpResponseInit } from '@azure/functions';
import { settingsProblems, type Environment } from '../settings';

/**
 * GET /api/health of either app, for App Service's health check (anonymous: the check sends no key). Cheap on
 * purpose: it checks the configuration only and calls neither Service Bus nor Tables, so a slow
 * dependency cannot get healthy instances evicted (docs/functions-runtime.md, 5.4).
 */
export function createHealthHandler(env: Environment, required: readonly string[]) {
  return async function health(): Promise<HttpResponseInit> {
    const { missing, invalid } = settingsProblems(env, required);
    const healthy = missing.length === 0 && invalid.length === 0;
    return {
      status: healthy ? 200 : 503,
      headers: { 'cache-control': 'no-store' },
      jsonBody: healthy ? { status: 'healthy' } : { status: 'unhealthy', missingSettings: missing, invalidSettings: invalid },
    };
  };
}
