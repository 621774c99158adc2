/**
 * A seeded pseudo-random generator (sfc32, seeded through splitmix32), so the same seed gives the
 * same simulation. Each concern draws from its own named stream: changing, say, the poison rate
 * does not shift the arrival times.
 */
// Math's functions as module constants: inside Jest's VM context every global lookup in a hot loop is slow.
const { sqrt, log, sin, cos, imul } = Math;
const TWO_PI = 2 * Math.PI;

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = 0;
  private hasSpare = false;

  constructor(seed: number, stream: string) {
    let state = (seed ^ hashString(stream)) >>> 0;
    const splitmix = () => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = imul(z ^ (z >>> 16), 0x85ebca6b);
      z = imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = sqrt(-2 * log(u));
    this.spareNormal = r * sin(TWO_PI * v);
    this.hasSpare = true;
    return r * cos(TWO_PI * v);
  }

  /** Exponential with mean 1. */
  exponential(): number {
    return -log(1 - this.next());
  }
}

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** z of the standard normal's 99th percentile. */
export const Z_99 = 2.3263478740408408;

/** Parameters of a log-normal distribution with the given median and 99th percentile. */
export function logNormalFromMedianP99(median: number, p99: number): { readonly mu: number; readonly sigma: number } {
  if (!(median > 0) || !(p99 >= median)) throw new Error(`a log-normal needs 0 < median <= p99 (got median ${median}, p99 ${p99})`);
  return { mu: Math.log(median), sigma: Math.log(p99 / median) / Z_99 };
}

/** Mean of that log-normal: exp(mu + sigma^2 / 2). */
export function logNormalMean(median: number, p99: number): number {
  const { mu, sigma } = logNormalFromMedianP99(median, p99);
  return Math.exp(mu + (sigma * sigma) / 2);
}
