/** Set when the process starts to shut down; readiness turns 503 and new requests are refused. */
export class DrainState {
  draining = false;
}
