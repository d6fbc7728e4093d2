import { ConnectionStates, type Connection } from 'mongoose';

/** Pings the service's database; resolves false instead of hanging when it is away. */
export async function pingDatabase(connection: Connection, timeoutMs = 1500): Promise<boolean> {
  if (connection.readyState !== ConnectionStates.connected || !connection.db) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const ping = connection.db
      .admin()
      .command({ ping: 1 })
      .then(() => true)
      .catch(() => false);
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
