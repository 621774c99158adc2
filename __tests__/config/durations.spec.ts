import { canonicalDuration, durationSeconds, isCanonicalDuration } from '../../lib/config/durations';

/**
 * lib/config/durations.ts. The config rules only ask isCanonicalDuration, whose round trip refuses
 * junk anyway; durationSeconds is also how the simulation reads the synthesized stack's durations
 * (scripts/simulation/durations.ts), so it must refuse what is not a duration on its own.
 */
describe('durationSeconds', () => {
  it('reads days, hours, minutes and seconds', () => {
    expect([durationSeconds('PT5M'), durationSeconds('P1DT2H3M4S'), durationSeconds('PT0S')]).toEqual([300, 93_784, 0]);
  });

  it('refuses junk at either end, an empty duration and a dangling T', () => {
    expect(['xPT5M', 'PT5Mx', ' PT5M', 'P', 'PT', 'P1DT', 'P1Y', 'PT1.5S'].map(durationSeconds)).toEqual(Array(8).fill(undefined));
  });
});

describe('canonicalDuration', () => {
  it('spells zero PT0S, and carries seconds over into minutes, hours and days', () => {
    expect([0, 60, 3_600, 86_400, 90_061].map(canonicalDuration)).toEqual(['PT0S', 'PT1M', 'PT1H', 'P1D', 'P1DT1H1M1S']);
    expect([isCanonicalDuration('PT0S'), isCanonicalDuration('PT60S')]).toEqual([true, false]);
  });
});
