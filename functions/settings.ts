import { AppSetting, DEFAULT_SEND_TIMEOUT_MS, QUEUE_NAME_PATTERN, TABLE_NAME_PATTERN } from './app-settings';

/**
 * Reads app settings on first use, never at module load: on Node 20+ an error while the entry point
 * loads takes the whole app down, `/api/health` included (docs/functions-runtime.md, 1.4). Handlers call these and answer
 * 503 naming the setting instead.
 *
 * One place checks every setting, for `/api/health` and for the code that creates a client from it
 * alike: a setting that is present but malformed (a table URI without https, a client id that is not
 * a GUID, `0x10` as a timeout) fails the health check by name instead of failing every message while
 * App Service sees a healthy instance. Problems name the setting and the rule, never the value: the
 * health answer is anonymous, and a connection string pasted into the wrong setting is a secret.
 */

export type Environment = Readonly<Record<string, string | undefined>>;

/** One setting that is missing (unset or blank) or present but malformed. */
export interface SettingProblem {
  readonly setting: string;
  readonly problem: 'missing' | 'invalid';
  /** What the value must look like (for `invalid`). */
  readonly expected?: string;
}

/** A setting the code needs is missing or unusable. `problems` name each setting. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`app settings are not usable: ${problems.join('; ')}`);
    this.name = 'SettingsError';
  }
}

/** Largest accepted send bound: core-amqp's own per-try timeout floor is 60 s (docs/functions-runtime.md, 4.3). */
export const MAX_SEND_TIMEOUT_MS = 60_000;

interface SettingRule {
  readonly expected: string;
  readonly valid: (value: string) => boolean;
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** A host name, optionally with a port (loopback tests use 127.0.0.1:<port>); no scheme, path or key. */
const HOST_NAME =
  /^(?=.{1,253}(:|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$/;
/** Plain decimal digits without sign, leading zero, exponent, hex prefix or spaces. */
const DECIMAL_INTEGER = /^[1-9][0-9]*$/;

const isGuid: SettingRule = { expected: 'a client id (a GUID such as 00000000-0000-0000-0000-000000000000)', valid: (v) => GUID.test(v) };
const isTableName: SettingRule = {
  expected: 'an Azure table name: 3-63 letters and digits, starting with a letter',
  valid: (v) => TABLE_NAME_PATTERN.test(v),
};

/** The rule of every setting the functions read. */
const RULES: Readonly<Record<string, SettingRule>> = {
  [AppSetting.queueName]: {
    expected: 'a Service Bus queue name: 2-260 letters, digits, ".", "-", "_", "~" or "/"',
    valid: (v) => QUEUE_NAME_PATTERN.test(v),
  },
  [AppSetting.serviceBusNamespace]: {
    expected: 'the namespace host name, such as sb-orders-prod.servicebus.windows.net (no scheme, path or key)',
    valid: (v) => HOST_NAME.test(v),
  },
  [AppSetting.serviceBusCredential]: { expected: "'managedidentity'", valid: (v) => v === 'managedidentity' },
  [AppSetting.serviceBusClientId]: isGuid,
  [AppSetting.tableServiceUri]: {
    expected: 'an https URL of a table service, without query, fragment or credentials',
    valid: isTableServiceUri,
  },
  [AppSetting.tableName]: isTableName,
  [AppSetting.acceptedTableName]: isTableName,
  [AppSetting.identityClientId]: isGuid,
  [AppSetting.sendTimeoutMs]: {
    expected: `a whole number of milliseconds from 1 to ${MAX_SEND_TIMEOUT_MS}, in plain decimal digits`,
    valid: (v) => DECIMAL_INTEGER.test(v) && Number(v) <= MAX_SEND_TIMEOUT_MS,
  },
};

function isTableServiceUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '' && url.search === '' && url.hash === ''
  );
}

/**
 * The problem with one setting, or undefined when it is usable. Blank counts as missing; a value
 * with leading or trailing whitespace is invalid, not trimmed: it was typed by hand, and guessing
 * what was meant is how `' 5 '` or `0x10` became a different timeout.
 */
function checkSetting(env: Environment, name: string, optional = false): SettingProblem | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return optional ? undefined : { setting: name, problem: 'missing' };
  const rule = RULES[name];
  if (value !== value.trim())
    return { setting: name, problem: 'invalid', expected: `${rule?.expected ?? 'a value'}, without leading or trailing spaces` };
  if (rule && !rule.valid(value)) return { setting: name, problem: 'invalid', expected: rule.expected };
  return undefined;
}

/** A problem as one line for a log or a SettingsError. */
export function describeSettingProblem(problem: SettingProblem): string {
  return problem.problem === 'missing' ? `${problem.setting} is not set` : `${problem.setting} is invalid: expected ${problem.expected}`;
}

/** The values of `names`, or a SettingsError naming every one that is missing or malformed. */
export function requireSettings<Name extends string>(env: Environment, names: readonly Name[]): Record<Name, string> {
  const problems = names.map((name) => checkSetting(env, name)).filter((p): p is SettingProblem => p !== undefined);
  if (problems.length > 0) throw new SettingsError(problems.map(describeSettingProblem));
  return Object.fromEntries(names.map((name) => [name, env[name]!])) as Record<Name, string>;
}

/** `ORDERS_SEND_TIMEOUT_MS`, optional: a whole number of milliseconds from 1 to 60000. */
export function sendTimeoutMs(env: Environment): number {
  const problem = checkSetting(env, AppSetting.sendTimeoutMs, true);
  if (problem) throw new SettingsError([describeSettingProblem(problem)]);
  const raw = env[AppSetting.sendTimeoutMs];
  return raw === undefined || raw.trim() === '' ? DEFAULT_SEND_TIMEOUT_MS : Number(raw);
}

/** Everything wrong with an app's settings (`required` are its own), for `/api/health`: names and rules, never values. */
export function settingsProblems(
  env: Environment,
  required: readonly string[],
): { missing: string[]; invalid: Array<{ setting: string; expected: string }> } {
  const problems = [...required.map((name) => checkSetting(env, name)), checkSetting(env, AppSetting.sendTimeoutMs, true)].filter(
    (p): p is SettingProblem => p !== undefined,
  );
  return {
    missing: problems.filter((p) => p.problem === 'missing').map((p) => p.setting),
    invalid: problems.filter((p) => p.problem === 'invalid').map((p) => ({ setting: p.setting, expected: p.expected! })),
  };
}
