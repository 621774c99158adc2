import { findIana } from 'windows-iana';
import { APP_ROLES, type AppRole } from '../../../functions/apps';
import type { Checks } from '../checks';
import { isAutoscaleTimeZone, parseWallClock, wallClockToInstant, windowsNamesFor } from '../time-zones';
import type { EnvironmentConfig } from '../types';
import { MAX_ALWAYS_READY, type AppHosting } from './apps';

/**
 * The `saleWindows` section of an environment's configuration: planned surges during which each app holds
 * a higher minimum; its type, default (none) and rules.
 */

/** Autoscale allows 20 profiles: the default one plus one per sale window. */
export const MAX_SALE_WINDOWS = 19;

/** A planned surge (e.g. Black Friday): each app holds a higher minimum between `start` and `end`. */
export interface SaleWindow {
  /** Profile name. @example 'black-friday-2026' */
  readonly name: string;
  /** Wall-clock time in `timeZone` when the higher minimum starts to hold, before the surge: `YYYY-MM-DDTHH:mm:ss`. */
  readonly start: string;
  /** Wall-clock time in `timeZone` when it ends: `YYYY-MM-DDTHH:mm:ss`. */
  readonly end: string;
  /** A Windows time zone name as Azure autoscale accepts it, e.g. 'W. Europe Standard Time' (not 'Europe/Berlin'). */
  readonly timeZone: string;
  /**
   * Instances each app holds during the window: the autoscale profile's minimum on a Dedicated plan,
   * the always-ready count on Elastic Premium. The scale rules or the scale controller still add more.
   */
  readonly minimumInstances: Readonly<Record<AppRole, number>>;
}

export const defaultSaleWindows: readonly SaleWindow[] = [];

export function checkSaleWindows(c: Checks, env: Pick<EnvironmentConfig, 'saleWindows' | 'apps'>): void {
  const windows = env.saleWindows;
  c.check(
    windows.length <= MAX_SALE_WINDOWS,
    'saleWindows',
    `${windows.length} windows`,
    `expected at most ${MAX_SALE_WINDOWS} (autoscale allows 20 profiles including the default one); remove past windows`,
  );
  const spans: Array<{ name: string; start: number; end: number }> = [];
  windows.forEach((w, i) => {
    const f = `saleWindows[${i}]`;
    c.matches(`${f}.name`, w.name, /^[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,62}$/, 'expected 1-63 letters, digits, spaces, ".", "_" or "-"');
    c.check(windows.findIndex((o) => o.name === w.name) === i, `${f}.name`, w.name, 'expected a name unique among the sale windows');
    const startOk = parseWallClock(w.start) !== undefined;
    const endOk = parseWallClock(w.end) !== undefined;
    const wallClockRule = `expected a wall-clock time in timeZone as YYYY-MM-DDTHH:mm:ss, without "Z" or an offset`;
    c.check(startOk, `${f}.start`, w.start, wallClockRule);
    c.check(endOk, `${f}.end`, w.end, wallClockRule);
    const zoneOk = isAutoscaleTimeZone(w.timeZone) && (findIana(w.timeZone)?.length ?? 0) > 0;
    if (!zoneOk) {
      const suggestions = windowsNamesFor(w.timeZone);
      const hint = suggestions.length
        ? ` (for ${w.timeZone} use '${suggestions[0]}')`
        : ' such as W. Europe Standard Time, Eastern Standard Time or UTC';
      c.fail(
        `${f}.timeZone`,
        w.timeZone,
        `expected a current Windows time zone name that Azure autoscale accepts${hint}; IANA names are rejected`,
      );
    }
    for (const role of APP_ROLES) checkSaleMinimum(c, `${f}.minimumInstances.${role}`, w.minimumInstances?.[role], env.apps[role]);
    if (startOk && endOk && zoneOk) {
      const start = wallClockToInstant(w.start, w.timeZone).getTime();
      const end = wallClockToInstant(w.end, w.timeZone).getTime();
      c.check(start < end, `${f}.end`, w.end, `expected a time after start (${w.start})`);
      c.check(end - start <= 365 * 86_400_000, `${f}.end`, w.end, 'expected at most 365 days after start (autoscale fixed-date limit)');
      spans.push({ name: w.name, start, end });
    }
  });
  // Only one profile applies at a time, so overlapping windows would silently shadow each other.
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start < sorted[i - 1].end) {
      c.fail(
        `saleWindows[${sorted[i].name}]`,
        sorted[i].name,
        `expected no overlap with sale window '${sorted[i - 1].name}' (only one autoscale profile applies at a time)`,
      );
    }
  }
}

/** A window's minimum must be one the app's hosting can hold: within the plan's range, and never below its everyday floor. */
function checkSaleMinimum(c: Checks, field: string, minimum: number | undefined, hosting: AppHosting): void {
  if (hosting.kind === 'dedicated') {
    c.integer(field, minimum as number, hosting.instances.minimum, hosting.instances.maximum);
  } else {
    // On Elastic Premium the window raises the always-ready count, which Azure caps at 20 per app.
    c.integer(field, minimum as number, hosting.alwaysReady, Math.min(MAX_ALWAYS_READY, hosting.appScaleLimit));
  }
}
