import type { TokenCredential } from '@azure/identity';

/**
 * Trigger sync after a deploy. A function app that runs from an external package URL must have its
 * triggers synced when the URL changes: the platform's scale controller scales an Elastic Premium app
 * from the trigger metadata it was given, and Microsoft's deployment docs say that an ARM or
 * Terraform deployment with an external package URL must sync them itself. azurerm never does it, so
 * the stack runs this (terraform_data with local-exec, lib/trigger-sync.ts) after each new package.
 *
 * `POST <app id>/syncfunctiontriggers` through Resource Manager with an Entra ID token: keyless (the
 * host's own admin endpoint would need the master key). It needs Microsoft.Web/sites/syncfunctiontriggers/action,
 * which the deployer already holds.
 */

export const ARM_ENDPOINT = 'https://management.azure.com';
export const ARM_SCOPE = 'https://management.azure.com/.default';
export const SYNC_API_VERSION = '2024-04-01';

/** A function app's Resource Manager id, as Terraform gives it. */
const SITE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Web\/sites\/[^/]+$/i;

export interface SyncOptions {
  readonly credential: TokenCredential;
  /** @default ARM_ENDPOINT */
  readonly endpoint?: string;
  /** Attempts per app: right after a deploy the app may still be restarting with its new package. @default 10 */
  readonly attempts?: number;
  /** Wait between attempts. @default 15000 */
  readonly delayMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: (line: string) => void;
}

export type SyncOutcome =
  | { readonly appId: string; readonly ok: true; readonly attempts: number }
  | { readonly appId: string; readonly ok: false; readonly attempts: number; readonly error: string };

export function isSiteId(value: string): boolean {
  return SITE_ID.test(value);
}

/** Syncs each app's triggers; never throws for an app, returns each outcome. */
export async function syncTriggers(appIds: readonly string[], options: SyncOptions): Promise<SyncOutcome[]> {
  const endpoint = options.endpoint ?? ARM_ENDPOINT;
  const attempts = options.attempts ?? 10;
  const delayMs = options.delayMs ?? 15_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log = options.log ?? (() => undefined);
  const outcomes: SyncOutcome[] = [];

  for (const appId of appIds) {
    if (!isSiteId(appId)) {
      outcomes.push({
        appId,
        ok: false,
        attempts: 0,
        error: 'not a function app resource id (/subscriptions/.../providers/Microsoft.Web/sites/<name>)',
      });
      continue;
    }
    let lastError = '';
    let attempt: number;
    for (attempt = 1; attempt <= attempts; attempt++) {
      try {
        const token = await options.credential.getToken(ARM_SCOPE);
        if (!token) throw new Error('no token for Resource Manager');
        const response = await doFetch(`${endpoint}${appId}/syncfunctiontriggers?api-version=${SYNC_API_VERSION}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token.token}`, 'content-length': '0' },
          signal: AbortSignal.timeout(60_000),
        });
        if (response.ok) break;
        // The body names the reason (a host still starting, a missing right); it holds no secret.
        lastError = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
      } catch (error) {
        lastError = (error as Error).message;
      }
      log(`sync triggers of ${appId}: attempt ${attempt} of ${attempts} failed (${lastError})`);
      if (attempt < attempts) await sleep(delayMs);
    }
    outcomes.push(attempt <= attempts ? { appId, ok: true, attempts: attempt } : { appId, ok: false, attempts, error: lastError });
  }
  return outcomes;
}
