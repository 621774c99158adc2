import { parseDlqArguments, UsageError } from '../../scripts/dlq/arguments';
import { isPermissionError, runDlq, type DlqDependencies } from '../../scripts/dlq/command';
import { DEFAULT_LETTER_LIMIT, DEFAULT_WALK_MINUTES } from '../../scripts/dlq/dead-letters';
import { FakeDeadLetterQueue, FakeQueueSender, deadLetter } from '../helpers/fake-dead-letter-queue';
import { acceptedSample } from '../helpers/orders';

const ORDER_ID = '3f1c2b7e-9a4d-4e0b-8c1a-2b3c4d5e6f70';
const TARGETS = { serviceBusFqdn: 'sb-orders-test.servicebus.windows.net', queueName: 'orders' };

function harness(dlq = new FakeDeadLetterQueue([deadLetter(7, ORDER_ID, acceptedSample(ORDER_ID))])) {
  const out: string[] = [];
  const err: string[] = [];
  const sender = new FakeQueueSender(dlq.clock, 0, dlq.events);
  const connections: Array<{ lockRenewalMs: number }> = [];
  let closed = false;
  const dependencies: DlqDependencies = {
    targets: (environment) => {
      if (environment !== 'test') throw new Error(`unknown environment '${environment}'`);
      return TARGETS;
    },
    connect: (_, options) => (connections.push(options), { receiver: dlq, sender, close: async () => void (closed = true) }),
    print: (text) => out.push(text),
    printError: (text) => err.push(text),
    now: () => dlq.clock.now,
  };
  return { dependencies, out, err, sender, dlq, connections, closed: () => closed };
}

describe('dlq arguments', () => {
  it('parses listing, replay of ids and replay-valid', () => {
    const defaults = { limit: DEFAULT_LETTER_LIMIT, maxMinutes: DEFAULT_WALK_MINUTES };
    expect(parseDlqArguments(['prod'])).toEqual({ environment: 'prod', replay: [], replayValid: false, json: false, ...defaults });
    expect(parseDlqArguments(['prod', '--replay', 'a', 'b', '--json'])).toEqual({
      environment: 'prod',
      replay: ['a', 'b'],
      replayValid: false,
      json: true,
      ...defaults,
    });
    expect(parseDlqArguments(['--replay-valid', 'prod', '--limit', '500', '--max-minutes', '30'])).toMatchObject({
      environment: 'prod',
      replayValid: true,
      limit: 500,
      maxMinutes: 30,
    });
  });

  it.each([
    [[]],
    [['prod', '--replay']],
    [['prod', '--replay', 'a', '--replay-valid']],
    [['prod', '--force']],
    [['prod', 'extra']],
    [['prod', '--limit']],
    [['prod', '--limit', '0']],
    [['prod', '--limit', '1e3']],
    [['prod', '--limit', '100001']],
    [['prod', '--max-minutes', '121']],
  ])('rejects %j with the usage', (argv) => {
    expect(() => parseDlqArguments(argv)).toThrow(UsageError);
    expect(() => parseDlqArguments(argv)).toThrow(/usage: npm run dlq/);
  });
});

describe('runDlq', () => {
  it('lists as JSON and closes the connection', async () => {
    const h = harness();
    expect(await runDlq(parseDlqArguments(['test', '--json']), h.dependencies)).toBe(0);
    expect(JSON.parse(h.out[0])).toEqual({
      entries: [expect.objectContaining({ messageId: ORDER_ID, validation: 'valid' })],
      truncated: false,
      limit: DEFAULT_LETTER_LIMIT,
    });
    expect(h.closed()).toBe(true);
  });

  it('lists as text naming the reason per message', async () => {
    const h = harness();
    await runDlq(parseDlqArguments(['test']), h.dependencies);
    expect(h.out[0]).toMatch(/1 dead-lettered message\(s\) in 'orders', 1 with a body that is valid now/);
    expect(h.out[0]).toContain('MaxDeliveryCountExceeded');
  });

  it('says when a listing stopped at its limit, and how to see more', async () => {
    const h = harness(new FakeDeadLetterQueue([deadLetter(7, ORDER_ID, acceptedSample(ORDER_ID)), deadLetter(8, 'other', 'text')]));
    expect(await runDlq(parseDlqArguments(['test', '--limit', '1']), h.dependencies)).toBe(0);
    expect(h.out[0]).toMatch(/stopped at its limit of 1 dead letters and more remain: run again with --limit/);
  });

  it('opens the receiver with lock renewal that outlasts the longest walk', async () => {
    const h = harness();
    await runDlq(parseDlqArguments(['test', '--replay-valid', '--max-minutes', '30']), h.dependencies);
    expect(h.connections[0].lockRenewalMs).toBeGreaterThan(30 * 60_000);
  });

  it('exits 1 and names every letter it meant to replay but did not (a failed send), which it released at once', async () => {
    const other = '5b0a4c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d';
    const h = harness(
      new FakeDeadLetterQueue([deadLetter(7, ORDER_ID, acceptedSample(ORDER_ID)), deadLetter(8, other, acceptedSample(other))]),
    );
    h.sender.failFor.add(ORDER_ID);
    expect(await runDlq(parseDlqArguments(['test', '--replay-valid']), h.dependencies)).toBe(1);
    expect(h.out[0]).toMatch(new RegExp(`NOT replayed \\(1\\): ${ORDER_ID} \\(sequence 7\\)`));
    expect(h.out[0]).toMatch(/replayed 1 of 2 chosen/);
    expect(h.dlq.events.indexOf('abandon 7')).toBe(h.dlq.events.indexOf('send-failed 7') + 1);
  });

  it('exits 1 when the walk stopped at a bound before it saw every letter', async () => {
    const h = harness(new FakeDeadLetterQueue([deadLetter(7, ORDER_ID, acceptedSample(ORDER_ID)), deadLetter(8, 'other', 'text')]));
    expect(await runDlq(parseDlqArguments(['test', '--replay-valid', '--limit', '1']), h.dependencies)).toBe(1);
    expect(h.out[0]).toMatch(/stopped at its limit of 1 dead letters; letters beyond it were not looked at/);
  });

  it('replays chosen ids and reports ids it did not find (exit 1)', async () => {
    const h = harness();
    expect(await runDlq(parseDlqArguments(['test', '--replay', ORDER_ID, 'missing-id']), h.dependencies)).toBe(1);
    expect(h.sender.sent.map((m) => m.messageId)).toEqual([`${ORDER_ID}/replay/7`]);
    expect(h.out[0]).toMatch(/replayed .* as .*\/replay\/7/);
    expect(h.out[0]).toMatch(/not found +missing-id/);
  });

  it('names an unknown environment (exit 2) without connecting', async () => {
    const h = harness();
    const connect = jest.spyOn(h.dependencies, 'connect');
    expect(await runDlq(parseDlqArguments(['nowhere']), h.dependencies)).toBe(2);
    expect(h.err[0]).toMatch(/Unknown environment 'nowhere'/);
    expect(connect).not.toHaveBeenCalled();
  });

  it('says which roles are needed when Service Bus refuses the login', async () => {
    const dlq = new FakeDeadLetterQueue([]);
    dlq.peekMessages = async () => {
      throw Object.assign(new Error("Unauthorized access. 'Listen' claim(s) are required"), { code: 'UnauthorizedAccess' });
    };
    const h = harness(dlq);
    expect(await runDlq(parseDlqArguments(['test']), h.dependencies)).toBe(2);
    expect(h.err[0]).toContain('Azure Service Bus Data Receiver');
    expect(h.err[0]).toContain('Azure Service Bus Data Sender');
    expect(h.err[0]).toContain("queue 'orders'");
    expect(h.closed()).toBe(true);
  });

  it('recognises permission errors by code or status', () => {
    expect(isPermissionError({ code: 'UnauthorizedAccess' })).toBe(true);
    expect(isPermissionError({ statusCode: 403 })).toBe(true);
    expect(isPermissionError({ code: 'ServiceTimeout' })).toBe(false);
  });
});
