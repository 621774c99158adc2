import { AppSetting, DEFAULT_SEND_TIMEOUT_MS, REQUIRED_SETTINGS } from '../../functions/app-settings';
import { createHealthHandler } from '../../functions/http/health';
import { lazy } from '../../functions/lazy';
import { SettingsError, requireSettings, sendTimeoutMs } from '../../functions/settings';
import { bodyOf } from '../helpers/invocation';

// The processor's list is the longer one: it holds the trigger's identity connection as well.
const required = REQUIRED_SETTINGS.orderProcessor;
const complete = Object.fromEntries(required.map((name) => [name, `value-of-${name}`]));

describe('GET /api/health', () => {
  it('answers 200 when every required setting is present', async () => {
    const response = await createHealthHandler(complete, required)();
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toEqual({ status: 'healthy' });
  });

  it('answers 503 naming each missing (or blank) setting', async () => {
    const env = { ...complete, [AppSetting.queueName]: undefined, [AppSetting.tableName]: '  ' };
    const response = await createHealthHandler(env, required)();
    expect(response.status).toBe(503);
    expect(bodyOf(response).missingSettings).toEqual([AppSetting.queueName, AppSetting.tableName]);
  });

  it("answers 503 when the queue trigger's identity connection is incomplete (the host would not say so)", async () => {
    const env = { ...complete, [AppSetting.serviceBusCredential]: undefined, [AppSetting.serviceBusClientId]: undefined };
    const response = await createHealthHandler(env, required)();
    expect(response.status).toBe(503);
    expect(bodyOf(response).missingSettings).toEqual([AppSetting.serviceBusCredential, AppSetting.serviceBusClientId]);
  });

  it('answers 503 for an unusable send timeout', async () => {
    const response = await createHealthHandler({ ...complete, [AppSetting.sendTimeoutMs]: 'soon' }, required)();
    expect(response.status).toBe(503);
    expect(bodyOf(response).invalidSettings[0]).toMatch(/ORDERS_SEND_TIMEOUT_MS is 'soon'/);
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
  it('the API does not require the trigger connection it never uses; the processor does', () => {
    expect(REQUIRED_SETTINGS.orderApi).not.toContain(AppSetting.serviceBusCredential);
    expect(REQUIRED_SETTINGS.orderProcessor).toEqual(expect.arrayContaining([AppSetting.serviceBusCredential, AppSetting.serviceBusClientId]));
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

  it('defaults the send timeout and accepts 1 to 60000 ms', () => {
    expect(sendTimeoutMs({})).toBe(DEFAULT_SEND_TIMEOUT_MS);
    expect(sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '1500' })).toBe(1500);
    expect(() => sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '0' })).toThrow(SettingsError);
    expect(() => sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '60001' })).toThrow(SettingsError);
    expect(() => sendTimeoutMs({ [AppSetting.sendTimeoutMs]: '2.5' })).toThrow(SettingsError);
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
