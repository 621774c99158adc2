import * as fs from 'node:fs';
import * as path from 'node:path';
import { API_ROUTE_PREFIX } from '../../functions/registrations';
import { CONSUMER_RETRY_BUDGET_MS } from '../../functions/resilience/retry-policy';

const hostJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'functions', 'host.json'), 'utf8'));

/** `hh:mm:ss` -> milliseconds. */
function timeSpanMs(value: string): number {
  const [h, m, s] = value.split(':').map(Number);
  return ((h * 60 + m) * 60 + s) * 1000;
}

describe('functions/host.json', () => {
  it('uses host schema 2.0 and the v4 extension bundle (Service Bus extension 5.x, identity connections)', () => {
    expect(hostJson.version).toBe('2.0');
    expect(hostJson.extensionBundle).toEqual({ id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' });
  });

  it('serves routes under the prefix the code builds Location headers with', () => {
    expect(hostJson.extensions.http.routePrefix).toBe(API_ROUTE_PREFIX);
  });

  it('sets the Service Bus trigger on purpose', () => {
    expect(hostJson.extensions.serviceBus).toEqual({
      maxConcurrentCalls: 16,
      prefetchCount: 0,
      autoCompleteMessages: true,
      maxAutoLockRenewalDuration: '00:05:00',
    });
  });

  it('renews message locks for longer than the worst-case processing of one message', () => {
    // All retried steps of one message share one time budget (functions/resilience/retry-policy.ts).
    const worstCase = CONSUMER_RETRY_BUDGET_MS;
    expect(timeSpanMs(hostJson.extensions.serviceBus.maxAutoLockRenewalDuration)).toBeGreaterThan(worstCase);
    expect(timeSpanMs(hostJson.functionTimeout)).toBeGreaterThan(worstCase);
  });

  it('never samples away requests and exceptions', () => {
    expect(hostJson.logging.applicationInsights.samplingSettings.excludedTypes.split(';')).toEqual(
      expect.arrayContaining(['Request', 'Exception']),
    );
  });
});
