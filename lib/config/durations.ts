/**
 * ISO-8601 durations in the canonical form Azure returns (.NET `XmlConvert.ToString(TimeSpan)`):
 * days, hours, minutes and seconds, each below its carry-over (PT1M, not PT60S; P1D, not PT24H), no
 * zero fields. azurerm compares the strings it reads back with the ones it sent, so a non-canonical
 * value (PT60S) diffs on every plan and makes each queue update wait for its 30-minute timeout.
 */

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Seconds in a duration of days, hours, minutes and seconds; undefined for anything else (years, months, fractions). */
export function durationSeconds(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [days, hours, minutes, seconds] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  return ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
}

/** The canonical spelling of a number of seconds. */
export function canonicalDuration(totalSeconds: number): string {
  if (totalSeconds === 0) return 'PT0S';
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

export function isCanonicalDuration(text: string): boolean {
  const seconds = durationSeconds(text);
  return seconds !== undefined && canonicalDuration(seconds) === text;
}
