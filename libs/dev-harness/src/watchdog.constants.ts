/**
 * Source of a tiny Node process that sits between us and the database server: it starts the
 * server and kills it as soon as our stdin pipe closes, which the kernel does when we die in any
 * way (Ctrl-C, SIGTERM, crash, SIGKILL). It also polls the parent pid as a second guard.
 */
export const WATCHDOG_SOURCE = `
const { spawn } = require('node:child_process');
const [bin, ...args] = process.argv.slice(1);
const parent = process.ppid;
const child = spawn(bin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  try { child.kill('SIGTERM'); } catch {}
  // Escalate, but still leave only once the server is really gone (the exit handler below).
  setTimeout(() => { try { child.kill('SIGKILL'); } catch {} }, 3000).unref();
}
child.on('exit', (code, signal) => process.exit(stopping ? 0 : (code ?? 1)));
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => { try { process.kill(parent, 0); } catch { stop(); } }, 1000).unref();
`;
