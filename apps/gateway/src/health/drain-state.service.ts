/**
 * Shutdown, in two steps: `draining` at the signal (readiness 503, answers close their connection), then `refusing`
 * after the grace period (shutdown.graceMs), when the listener closes and requests not yet read get 503.
 */
export class DrainStateService {
  draining = false;
  refusing = false;
}
