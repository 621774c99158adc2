import { AppSetting, DEFAULT_SEND_TIMEOUT_MS } from './app-settings';

/**
 * Reads app settings on first use, never at module load: on Node 20+ an error while the entry point
 * loads takes the whole app down, `/api/health` included (trap 1.4). Handlers call these and answer
 * 503 naming the setting instead.
 */

export type Environment = Readonly<Record<string, string | undefined>>;

/** A setting the code needs is missing or unusable. `problems` name each setting. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`app settings are not usable: ${problems.join('; ')}`);
    this.name = 'SettingsError';
  }
}

/** The names among `names` that are unset or blank. */
export function missingSettings(env: Environment, names: readonly string[]): string[] {
  return names.filter((name) => !env[name]?.trim());
}

/** The values of `names`, or a SettingsError naming every one that is missing. */
export function requireSettings<Name extends string>(env: Environment, names: readonly Name[]): Record<Name, string> {
  const missing = missingSettings(env, names);
  if (missing.length > 0) throw new SettingsError(missing.map((name) => `${name} is not set`));
  return Object.fromEntries(names.map((name) => [name, env[name]!.trim()])) as Record<Name, string>;
}

/** Largest accepted send bound: core-amqp's own per-try timeout floor is 60 s (trap 4.3). */
export const MAX_SEND_TIMEOUT_MS = 60_000;

/** `ORDERS_SEND_TIMEOUT_MS`, optional: a whole number of milliseconds from 1 to 60000. */
export function sendTimeoutMs(env: Environment): number {
  const raw = env[AppSetting.sendTimeoutMs]?.trim();
  if (!raw) return DEFAULT_SEND_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_SEND_TIMEOUT_MS) {
    throw new SettingsError([
      `${AppSetting.sendTimeoutMs} is '${raw}': allowed is a whole number of milliseconds from 1 to ${MAX_SEND_TIMEOUT_MS}`,
    ]);
  }
  return value;
}

/** Everything wrong with an app's settings (`required` are its own), for `/api/health`. Empty when the app can serve. */
export function settingsProblems(env: Environment, required: readonly string[]): { missing: string[]; invalid: string[] } {
  const invalid: string[] = [];
  try {
    sendTimeoutMs(env);
  } catch (error) {
    invalid.push(...(error as SettingsError).problems);
  }
  return { missing: missingSettings(env, required), invalid };
}
