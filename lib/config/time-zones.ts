import { findIana, findWindows } from 'windows-iana';

/**
 * Time zones for autoscale fixed-date profiles. Azure autoscale takes Windows time zone names, and
 * azurerm 4.55 accepts exactly the names of the autoscale REST API's TimeWindow documentation
 * (https://learn.microsoft.com/rest/api/monitor/autoscale-settings/create-or-update#timewindow);
 * IANA names such as `Europe/Berlin` fail at plan. This is that list, so a bad name fails at synth.
 */
export const AUTOSCALE_TIME_ZONES: ReadonlySet<string> = new Set([
  'Dateline Standard Time',
  'UTC-11',
  'Hawaiian Standard Time',
  'Alaskan Standard Time',
  'Pacific Standard Time (Mexico)',
  'Pacific Standard Time',
  'US Mountain Standard Time',
  'Mountain Standard Time (Mexico)',
  'Mountain Standard Time',
  'Central America Standard Time',
  'Central Standard Time',
  'Central Standard Time (Mexico)',
  'Canada Central Standard Time',
  'SA Pacific Standard Time',
  'Eastern Standard Time',
  'US Eastern Standard Time',
  'Venezuela Standard Time',
  'Paraguay Standard Time',
  'Atlantic Standard Time',
  'Central Brazilian Standard Time',
  'SA Western Standard Time',
  'Pacific SA Standard Time',
  'Newfoundland Standard Time',
  'E. South America Standard Time',
  'Argentina Standard Time',
  'SA Eastern Standard Time',
  'Greenland Standard Time',
  'Montevideo Standard Time',
  'Bahia Standard Time',
  'UTC-02',
  'Mid-Atlantic Standard Time',
  'Azores Standard Time',
  'Cape Verde Standard Time',
  'Morocco Standard Time',
  'UTC',
  'GMT Standard Time',
  'Greenwich Standard Time',
  'W. Europe Standard Time',
  'Central Europe Standard Time',
  'Romance Standard Time',
  'Central European Standard Time',
  'W. Central Africa Standard Time',
  'Namibia Standard Time',
  'Jordan Standard Time',
  'GTB Standard Time',
  'Middle East Standard Time',
  'Egypt Standard Time',
  'Syria Standard Time',
  'E. Europe Standard Time',
  'South Africa Standard Time',
  'FLE Standard Time',
  'Turkey Standard Time',
  'Israel Standard Time',
  'Kaliningrad Standard Time',
  'Libya Standard Time',
  'Arabic Standard Time',
  'Arab Standard Time',
  'Belarus Standard Time',
  'Russian Standard Time',
  'E. Africa Standard Time',
  'Iran Standard Time',
  'Arabian Standard Time',
  'Azerbaijan Standard Time',
  'Russia Time Zone 3',
  'Mauritius Standard Time',
  'Georgian Standard Time',
  'Caucasus Standard Time',
  'Afghanistan Standard Time',
  'West Asia Standard Time',
  'Ekaterinburg Standard Time',
  'Pakistan Standard Time',
  'India Standard Time',
  'Sri Lanka Standard Time',
  'Nepal Standard Time',
  'Central Asia Standard Time',
  'Bangladesh Standard Time',
  'N. Central Asia Standard Time',
  'Myanmar Standard Time',
  'SE Asia Standard Time',
  'North Asia Standard Time',
  'China Standard Time',
  'North Asia East Standard Time',
  'Singapore Standard Time',
  'W. Australia Standard Time',
  'Taipei Standard Time',
  'Ulaanbaatar Standard Time',
  'Tokyo Standard Time',
  'Korea Standard Time',
  'Yakutsk Standard Time',
  'Cen. Australia Standard Time',
  'AUS Central Standard Time',
  'E. Australia Standard Time',
  'AUS Eastern Standard Time',
  'West Pacific Standard Time',
  'Tasmania Standard Time',
  'Magadan Standard Time',
  'Vladivostok Standard Time',
  'Russia Time Zone 10',
  'Central Pacific Standard Time',
  'Russia Time Zone 11',
  'New Zealand Standard Time',
  'UTC+12',
  'Fiji Standard Time',
  'Kamchatka Standard Time',
  'Tonga Standard Time',
  'Samoa Standard Time',
  'Line Islands Standard Time',
]);

export function isAutoscaleTimeZone(name: string): boolean {
  return AUTOSCALE_TIME_ZONES.has(name);
}

/** For an IANA name such as `Europe/Berlin`, the Windows names autoscale accepts (`W. Europe Standard Time`). */
export function windowsNamesFor(ianaName: string): string[] {
  return (findWindows(ianaName) ?? []).filter(isAutoscaleTimeZone);
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/**
 * Parses `YYYY-MM-DDTHH:mm:ss` (no offset). Returns its fields read as if they were UTC, in milliseconds,
 * or undefined when the text is not a real date and time.
 */
export function parseWallClock(text: string): number | undefined {
  const m = WALL_CLOCK.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const utcFields = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(utcFields);
  // Rejects 2026-02-30 and 25:00, which Date.UTC would roll over silently.
  const rolledOver =
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    back.getUTCHours() !== hour ||
    back.getUTCMinutes() !== minute ||
    back.getUTCSeconds() !== second;
  return rolledOver ? undefined : utcFields;
}

/**
 * The instant at which a wall-clock time in a Windows time zone happens. Autoscale applies the profile's
 * time zone to the start and end it stores (it reads them back with a `+00:00` that carries no meaning,
 * Azure/azure-cli#10116), so overlap checks and the surge simulation compare these instants.
 */
export function wallClockToInstant(wallClock: string, windowsTimeZone: string): Date {
  const fields = parseWallClock(wallClock);
  if (fields === undefined) throw new Error(`'${wallClock}' is not a wall-clock time YYYY-MM-DDTHH:mm:ss`);
  const iana = findIana(windowsTimeZone)?.[0];
  if (!iana) throw new Error(`'${windowsTimeZone}' is not a Windows time zone name`);
  // Two rounds settle the offset on either side of a daylight-saving change.
  let instant = fields - offsetMs(fields, iana);
  instant = fields - offsetMs(instant, iana);
  return new Date(instant);
}

/** Offset of an IANA zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
function offsetMs(instant: number, ianaZone: string): number {
  const f = wallClockFieldsAt(instant, ianaZone);
  const asUtc = Date.UTC(Number(f.year), Number(f.month) - 1, Number(f.day), Number(f.hour), Number(f.minute), Number(f.second));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

export type WallClockFields = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;

/** One formatter per zone: making an Intl.DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields (24-hour, zero-padded) of an instant in an IANA zone. */
export function wallClockFieldsAt(instant: number, ianaZone: string): WallClockFields {
  let format = formatters.get(ianaZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: ianaZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(ianaZone, format);
  }
  const fields: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(instant))) fields[part.type] = part.value;
  return fields as WallClockFields;
}
