import { TriggerSync } from '../../lib/trigger-sync';
import { synthBare } from '../helpers/bare-stack';
import { onlyResource } from '../helpers/synth';

/** The trigger sync after each new package, built alone. */

const APP_ID = '/subscriptions/x/resourceGroups/rg-test-api/providers/Microsoft.Web/sites/func-test-api';
const PACKAGE_URL = 'https://stpkg.blob.core.windows.net/packages-api/functions-abc.zip';

test('a terraform_data replaced with each new package URL (or app), running the sync command from the project root', () => {
  const { tf } = synthBare((stack) => {
    new TriggerSync(stack, 'order-api-trigger-sync', { appId: APP_ID, packageUrl: PACKAGE_URL });
  });
  const sync = onlyResource(tf, 'terraform_data');
  expect(sync.triggers_replace).toEqual({ app_id: APP_ID, package_url: PACKAGE_URL });
  expect(sync.provisioner).toEqual([
    { 'local-exec': { working_dir: '../../..', command: `npx --no-install tsx scripts/sync-triggers.ts ${APP_ID}` } },
  ]);
});
