import { DefaultAzureCredential } from '@azure/identity';
import { syncTriggers } from './sync-triggers/sync';

/**
 * `npm run sync-triggers -- <function app resource id>...`: syncs each app's triggers through
 * Resource Manager (see sync-triggers/sync.ts). The stack runs it after each new package; an operator
 * can run it by hand. Signs in as `az login` or the CI identity does (DefaultAzureCredential).
 */
async function main(): Promise<number> {
  const appIds = process.argv.slice(2);
  if (appIds.length === 0 || appIds.includes('--help')) {
    console.error('usage: npm run sync-triggers -- <function app resource id>...');
    return appIds.length === 0 ? 2 : 0;
  }
  const outcomes = await syncTriggers(appIds, { credential: new DefaultAzureCredential(), log: (line) => console.error(line) });
  for (const o of outcomes)
    console.log(o.ok ? `synced triggers of ${o.appId} (attempt ${o.attempts})` : `FAILED to sync triggers of ${o.appId}: ${o.error}`);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
