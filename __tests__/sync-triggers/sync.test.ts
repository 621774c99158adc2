import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { ARM_SCOPE, SYNC_API_VERSION, syncTriggers } from '../../scripts/sync-triggers/sync';

/** The trigger sync against a stand-in for Resource Manager on 127.0.0.1. */

const APP =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders-prod-proc/providers/Microsoft.Web/sites/func-orders-prod-proc-484d98';

const credential: TokenCredential & { scopes: string[] } = {
  scopes: [],
  async getToken(scopes): Promise<AccessToken> {
    credential.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  },
};

/** A stand-in that answers the given statuses in turn and records each request. */
async function resourceManager(statuses: number[]) {
  const requests: Array<{ method?: string; url?: string; authorization?: string }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    res.statusCode = statuses[Math.min(requests.length - 1, statuses.length - 1)];
    res.end(res.statusCode === 200 ? '' : '{"error":{"code":"HostNotReady"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { endpoint, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const noWait = { sleep: async () => undefined, delayMs: 0 };

test('POSTs syncfunctiontriggers on the app through Resource Manager with an Entra ID token', async () => {
  const arm = await resourceManager([200]);
  try {
    const outcomes = await syncTriggers([APP], { credential, endpoint: arm.endpoint, ...noWait });
    expect(outcomes).toEqual([{ appId: APP, ok: true, attempts: 1 }]);
    expect(arm.requests).toEqual([
      { method: 'POST', url: `${APP}/syncfunctiontriggers?api-version=${SYNC_API_VERSION}`, authorization: 'Bearer test-token' },
    ]);
    expect(credential.scopes).toContain(ARM_SCOPE);
  } finally {
    await arm.close();
  }
});

test('retries while the app restarts with its new package, then succeeds', async () => {
  const arm = await resourceManager([400, 503, 200]);
  try {
    const logged: string[] = [];
    const outcomes = await syncTriggers([APP], { credential, endpoint: arm.endpoint, ...noWait, log: (l) => logged.push(l) });
    expect(outcomes).toEqual([{ appId: APP, ok: true, attempts: 3 }]);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/attempt 1 of 10 failed \(HTTP 400: .*HostNotReady/);
  } finally {
    await arm.close();
  }
});

test('reports failure after its attempts, naming the last answer (the deploy then fails)', async () => {
  const arm = await resourceManager([403]);
  try {
    const [outcome] = await syncTriggers([APP], { credential, endpoint: arm.endpoint, attempts: 3, ...noWait });
    expect(outcome).toMatchObject({ ok: false, attempts: 3, error: expect.stringMatching(/^HTTP 403/) });
    expect(arm.requests).toHaveLength(3);
  } finally {
    await arm.close();
  }
});

test('refuses anything but a function app resource id, and calls nothing for it', async () => {
  const arm = await resourceManager([200]);
  try {
    const [outcome] = await syncTriggers(['https://example.com/not-an-id'], { credential, endpoint: arm.endpoint, ...noWait });
    expect(outcome).toMatchObject({ ok: false, attempts: 0 });
    expect(arm.requests).toEqual([]);
  } finally {
    await arm.close();
  }
});
