/**
 * Waiting for a CPU in an M/M/c queue (Poisson arrivals, exponential service, c servers), used for the
 * order API's requests on its plan's vCPUs. The probability of waiting is Sakasegawa's approximation
 * (1977), rho^(sqrt(2(c + 1)) - 1): exact for one server, within a few percent of Erlang C for more,
 * and defined for a fractional number of servers (the vCPUs the processor leaves free in the
 * shared-plan counterfactual). A wait, when there is one, is exponential with rate c (1 - rho) / s
 * (the M/M/c result given that an arrival waits).
 *
 * The rate changes every second; each second is treated as if it were stationary (the pointwise
 * stationary approximation, Green & Kolesar 1991), and work beyond the CPUs' capacity carries over
 * to the next second as a backlog that every later request waits behind (a fluid queue).
 */

/** Probability that a request waits, at utilisation `rho` of `servers` (rho >= 1 waits for sure). */
export function waitProbability(servers: number, rho: number): number {
  if (!(rho > 0)) return 0;
  if (rho >= 1) return 1;
  return Math.pow(rho, Math.sqrt(2 * (servers + 1)) - 1);
}

/** Mean wait of a waiting request, seconds: s / (c (1 - rho)). */
export function meanWaitGivenWaitS(servers: number, rho: number, serviceS: number): number {
  return serviceS / (servers * (1 - rho));
}

/** Mean wait over all requests, seconds: P(wait) x s / (c (1 - rho)). */
export function meanWaitS(servers: number, rho: number, serviceS: number): number {
  return waitProbability(servers, rho) * meanWaitGivenWaitS(servers, rho, serviceS);
}

/** Highest utilisation used for the stationary part; what is beyond the capacity is the fluid backlog's. */
export const STATIONARY_RHO_CAP = 0.98;
