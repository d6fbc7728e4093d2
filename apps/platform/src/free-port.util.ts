import { freePort } from '@app/dev-harness';

/**
 * A free port that is none of `taken`, and from now on one of them. The kernel may hand out again a port it gave a
 * moment ago for bind(0) once that socket closed, so ports planned for several processes must be told apart here:
 * two apps given one port left the second unable to listen (a split system that never became ready).
 */
export async function claimFreePort(taken: Set<number>): Promise<number> {
  let port: number;
  do port = await freePort();
  while (taken.has(port));
  taken.add(port);
  return port;
}
