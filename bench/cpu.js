// CPU time of processes from /proc (Linux): what a request costs each process, measured around a load.
const { readFileSync, readdirSync } = require('node:fs');

const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

/** User + system CPU time of one process so far, in microseconds (0 once it is gone). */
function cpuUs(pid, thread) {
  try {
    const stat = readFileSync(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return 0;
  }
}

/** The process and all its descendants. */
function tree(pid) {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    let children = [];
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        children = children.concat(readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
      }
    } catch {
      // gone meanwhile
    }
    out.push(...children);
  }
  return out;
}

function commOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** A process's main thread alone (its JavaScript), as a pid for `meter`: `{ pid, thread: pid }`. */
const mainThread = (pid) => ({ pid, thread: pid });
const usOf = (p) => (typeof p === 'number' ? cpuUs(p) : cpuUs(p.pid, p.thread));

/** Starts counting CPU of the given named groups of pids (or mainThread(pid)); `stop()` gives microseconds per group. */
function meter(groups) {
  const before = Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, pids.map(usOf)]));
  const t0 = process.hrtime.bigint();
  return {
    stop() {
      const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
      const used = Object.fromEntries(
        Object.entries(groups).map(([k, pids]) => [k, pids.reduce((n, pid, i) => n + Math.max(0, usOf(pid) - before[k][i]), 0)]),
      );
      return { wallUs, used };
    },
  };
}

module.exports = { cpuUs, tree, commOf, meter, mainThread };
