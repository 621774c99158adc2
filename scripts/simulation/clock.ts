import { findIana } from 'windows-iana';
import { wallClockFieldsAt } from '../../lib/config/time-zones';

/**
 * Wall-clock times in the surge's time zone (a Windows name, as the stack's sale windows use), for the
 * report's table and the chart's time axis.
 */
export interface ZoneClock {
  readonly windowsName: string;
  readonly iana: string;
  /** `2026-11-27 10:15` */
  format(ms: number): string;
  /** `10:15` */
  time(ms: number): string;
  /** The instant shifted by the zone's offset, so a UTC axis shows wall-clock time. */
  shifted(ms: number): number;
}

export function zoneClock(windowsName: string): ZoneClock {
  const iana = findIana(windowsName)?.[0] ?? 'UTC';
  const fields = (ms: number) => wallClockFieldsAt(ms, iana);
  return {
    windowsName,
    iana,
    format: (ms) => {
      const f = fields(ms);
      return `${f.year}-${f.month}-${f.day} ${f.hour}:${f.minute}`;
    },
    time: (ms) => {
      const f = fields(ms);
      return `${f.hour}:${f.minute}`;
    },
    shifted: (ms) => {
      const f = fields(ms);
      return Date.UTC(Number(f.year), Number(f.month) - 1, Number(f.day), Number(f.hour), Number(f.minute), Number(f.second));
    },
  };
}
