#!/usr/bin/env node
// Build figures: a full `npm run build` (SWC, every app and the dashboard), a no-op `--if-needed`, and the
// type-checked lint that CI runs, each with wall and CPU time (CPU time is steadier on a shared machine).
// Appends to bench/RESULTS.md. Usage: node bench/build.bench.js
const { spawnSync } = require('node:child_process');
const { appendFileSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { loadavg } = require('node:os');
const { machine } = require('./lib');

const ROOT = join(__dirname, '..');

function timed(label, args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(args[0], args.slice(1), { cwd: ROOT, stdio: 'ignore' });
  if (run.status !== 0) throw new Error(`${label} failed (${run.status})`);
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  return { label, wallS: Number(wallS.toFixed(1)) };
}

function cpuOfChildren() {
  // cutime + cstime of this process: CPU used by every child it has waited for, in clock ticks (100 Hz).
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const rows = [];
for (const [label, args, prepare] of [
  ['npm run build (full)', ['node', 'scripts/build.js'], () => rmSync(join(ROOT, 'dist'), { recursive: true, force: true })],
  ['npm run build (nothing changed)', ['node', 'scripts/build.js', '--if-needed'], () => undefined],
  ['npm run lint (eslint + type check + plugin metadata)', ['npm', 'run', 'lint', '--silent'], () => undefined],
]) {
  prepare();
  const cpuBefore = cpuOfChildren();
  const row = timed(label, args);
  rows.push({ ...row, cpuS: Number((cpuOfChildren() - cpuBefore).toFixed(1)) });
}
const m = machine();
const text = [
  `## build.bench.js — ${m.date}`,
  '',
  `Machine: ${m.cpu} x${m.cores}, ${m.memoryGiB} GiB, Node ${m.node}; load average at the end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (shared machine).`,
  '',
  '| step | wall s | CPU s |',
  '| --- | ---: | ---: |',
  ...rows.map((r) => `| ${r.label} | ${r.wallS} | ${r.cpuS} |`),
  '',
  '',
].join('\n');
process.stdout.write(text);
appendFileSync(join(__dirname, 'RESULTS.md'), `\n${text}`);
