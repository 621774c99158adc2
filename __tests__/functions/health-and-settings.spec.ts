import { AppSetting, DEFAULT_SEND_TIMEOUT_MS, REQUIRED_SETTINGS } from '../../functions/app-settings';
import { createHealthHandler } from '../../functions/http/health';
import { lazy } from '../../functions/lazy';
import { SettingsError, requireSettings, sendTimeoutMs } from '../../functions/settings';
import { bodyOf } from '../helpers/invocation';
import { expectDocumented } from '../helpers/openapi';

// The processor's list is the longer one: it holds the trigger's identity connection as well.
const required = REQUIRED_SETTINGS.orderProcessor;

/** A complete, valid configuration (as the stack writes it, with made-up names). */
const complete: Record<string, string | undefined> = {
  [AppSetting.queueName]: 'orders',
  [AppSetting.serviceBusNamespace]: 'sb-orders-test-1a2b3c.servicebus.windows.net',
  [AppSetting.serviceBusCredential]: 'managedidentity',
  [AppSetting.serviceBusClientId]: '00000000-0000-0000-0000-0000000000c1',
  [AppSetting.tableServiceUri]: 'https://stordersprod1a2b3c.table.core.windows.net/',
  [AppSetting.tableName]: 'orders',
  [AppSetting.acceptedTableName]: 'acceptedorders',
  [AppSetting.identityClientId]: '00000000-0000-0000-0000-0000000000c1',
};

describe('GET /api/health', () => {
  it('answers 200 when every required setting is present and valid', async () => {
    expect(Object.keys(complete).sort()).toEqual([...required].sort());
    const response = expectDocumented('/health', 'get', await createHealthHandler(complete, required)());
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toEqual({ status: 'healthy' });
    // A cached answer would hide a setting that went missing.
    expect(new Headers(response.headers as Record<string, string>).get('cache-control')).toBe('no-store');
  });

  it('answers 503 naming each missing (or blank) setting', async () => {
    const env = { ...complete, [AppSetting.queueName]: undefined, [AppSetting.tableName]: '  ' };
    const response = expectDocumented('/health', 'get', await createHealthHandler(env, required)());
    expect(response.status).toBe(503);
    expect(bodyOf(response).missingSettings).toEqual([AppSetting.queueName, AppSetting.tableName]);
  });

  it("answers 503 when the queue trigger's identity connection is incomplete (the host would not say so)", async () => {
    const env = { ...complete, [AppSetting.serviceBusCredential]: undefined, [AppSetting.serviceBusClientId]: undefined };
    const response = expectDocumented('/health', 'get', await createHealthHandler(env, required)());
    expect(response.status).toBe(503);
    expect(bodyOf(response).missingSettings).toEqual([AppSetting.serviceBusCredential, AppSetting.serviceBusClientId]);
  });

  // Issue 7 finding 6: each of these answered 200 while every message failed.
  it.each([
    [AppSetting.tableServiceUri, 'http://stordersprod.table.core.windows.net/'],
    [AppSetting.tableServiceUri, 'stordersprod.table.core.windows.net'],
    [AppSetting.tableServiceUri, 'https://stordersprod.table.core.windows.net/?sv=2024-01-01&sig=c2VjcmV0'],
    [AppSetting.tableServiceUri, 'https://user:pass@stordersprod.table.core.windows.net/'],
    [AppSetting.tableName, 'or'],
    [AppSetting.tableName, '1orders'],
    [AppSetting.tableName, 'orders-table'],
    [AppSetting.serviceBusCredential, 'clientsecret'],
    [AppSetting.serviceBusCredential, 'ManagedIdentity'],
    [AppSetting.serviceBusClientId, 'not-a-guid'],
    [AppSetting.identityClientId, '00000000-0000-0000-0000-0000000000c'],
    [AppSetting.serviceBusNamespace, 'sb://sb-orders.servicebus.windows.net/'],
    [AppSetting.serviceBusNamespace, 'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=c2VjcmV0'],
    [AppSetting.queueName, 'orders queue'],
    [AppSetting.queueName, ' orders'],
    [AppSetting.sendTimeoutMs, '0x10'],
    [AppSetting.sendTimeoutMs, '1e3'],
    [AppSetting.sendTimeoutMs, ' 5 '],
    [AppSetting.sendTimeoutMs, '05'],
    [AppSetting.sendTimeoutMs, '+5'],
    [AppSetting.sendTimeoutMs, '2.5'],
    [AppSetting.sendTimeoutMs, '0'],
    [AppSetting.sendTimeoutMs, '60001'],
    [AppSetting.sendTimeoutMs, 'soon'],
  ])('answers 503 naming %s when it is %j, without echoing the value', async (setting, value) => {
    const response = expectDocumented('/health', 'get', await createHealthHandler({ ...complete, [setting]: value }, required)());
    expect(response.status).toBe(503);
    expect(bodyOf(response).invalidSettings).toEqual([{ setting, expected: expect.any(String) }]);
    expect(bodyOf(response).missingSettings).toEqual([]);
    // Values of up to 3 characters ('0', '05') also occur in the rule's text; longer ones must not appear.
    if (value.trim().length > 3) expect(JSON.stringify(bodyOf(response))).not.toContain(value.trim());
  });

  it('accepts the loopback forms the contract test uses (host:port, an https URL with a path)', async () => {
    const env = {
      ...complete,
      [AppSetting.serviceBusNamespace]: '127.0.0.1:5671',
      [AppSetting.tableServiceUri]: 'https://127.0.0.1:10002/devstoreaccount1',
      [AppSetting.sendTimeoutMs]: '60000',
    };
    expect((await createHealthHandler(env, required)()).status).toBe(200);
  });

  it('reads the environment at each call, not once at load', async () => {
    const env: Record<string, string | undefined> = {};
    const health = createHealthHandler(env, required);
    expect((await health()).status).toBe(503);
    Object.assign(env, complete);
    expect((await health()).status).toBe(200);
  });
});

describe('the settings each app requires', () => {
  it('the API does not require the trigger connection it never uses; the processor does; both need the two tables', () => {
    expect(REQUIRED_SETTINGS.orderApi).not.toContain(AppSetting.serviceBusCredential);
    expect(REQUIRED_SETTINGS.orderProcessor).toEqual(
      expect.arrayContaining([AppSetting.serviceBusCredential, AppSetting.serviceBusClientId]),
    );
    for (const list of Object.values(REQUIRED_SETTINGS))
      expect(list).toEqual(expect.arrayContaining([AppSetting.tableName, AppSetting.acceptedTableName]));
  });
});

describe('settings', () => {
  it('names every missing setting at once', () => {
    let error: SettingsError | undefined;
    try {
      requireSettings({ [AppSetting.queueName]: 'orders' }, [AppSetting.queueName, AppSetting.tableName, AppSetting.identityClientId]);
    } catch (e) {
      error = e as SettingsError;
    }
    expect(error?.problems).toEqual([`${AppSetting.tableName} is not set`, `${AppSetting.identityClientId} is not set`]);
  });

  it('names a malformed setting of a client with its rule, never its value', () => {
    let error: SettingsError | undefined;
    try {
      requireSettings({ ...complete, [AppSetting.tableServiceUri]: 'http://x.example/?sig=c2VjcmV0' }, [
        AppSetting.tableServiceUri,
        AppSetting.tableName,
      ]);
    } catch (e) {
      error = e as SettingsError;
    }
    expect(error?.problems).toEqual([
      expect.stringMatching(new RegExp(`^${AppSetting.tableServiceUri} is invalid: expected an https URL`)),
    ]);
    expect(error?.message).not.toContain('c2VjcmV0');
  });

  it('defaults the send timeout and accepts 1 to 60000 ms', () => {
    expect(sendTimeoutMs({})).toBe(DEFAULT_SEND_TIMEOUT_MS);
    expect(sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '1500' })).toBe(1500);
    expect(() => sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '0' })).toThrow(SettingsError);
    expect(() => sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '60001' })).toThrow(SettingsError);
    expect(() => sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '2.5' })).toThrow(SettingsError);
    expect(() => sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '0x10' })).toThrow(SettingsError);
    expect(sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '  ' })).toBe(DEFAULT_SEND_TIMEOUT_MS);
  });
});

describe('lazy', () => {
  it('creates once on success and tries again after a failed creation', () => {
    let attempts = 0;
    const value = lazy(() => {
      if (++attempts === 1) throw new SettingsError(['X is not set']);
      return { attempt: attempts };
    });
    expect(value.peek()).toBeUndefined();
    expect(() => value.get()).toThrow(SettingsError);
    expect(value.get()).toEqual({ attempt: 2 });
    expect(value.get()).toBe(value.get());
    expect(attempts).toBe(2);
  });
});
