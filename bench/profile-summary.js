#!/usr/bin/env node
// Top frames of a V8 CPU profile (node --cpu-prof) by self time, and self time by package.
// Usage: node bench/profile-summary.js <file.cpuprofile> [top=25] [lastMs]
// With lastMs, only the samples of the profile's last lastMs milliseconds count (the load, not the start-up).
const { readFileSync } = require('node:fs');
const { gunzipSync } = require('node:zlib');

const [file, topArg, lastArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const raw = readFileSync(file);
const profile = JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const from = lastArg ? profile.endTime - Number(lastArg) * 1000 : -Infinity;
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= from) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url) {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node';
  if (url.includes('/dist/apps/')) return 'app';
  return url.split('/').pop();
}

const frames = new Map();
const packages = new Map();
for (const [id, us] of self) {
  const { callFrame } = byId.get(id);
  const pkg = where(callFrame.url);
  const name = `${callFrame.functionName || '(anonymous)'} ${pkg}${callFrame.url ? `:${callFrame.lineNumber + 1}` : ''}`;
  frames.set(name, (frames.get(name) ?? 0) + us);
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1)}%`.padStart(6);
const rows = (m, n) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${pct(us)}  ${k}`)
    .join('\n');
console.log(
  `${file.split('/').pop()}: ${(total / 1e6).toFixed(1)} s sampled${lastArg ? ` (last ${lastArg} ms)` : ''}\n\nTop frames by self time:\n${rows(frames, top)}\n\nSelf time by package:\n${rows(packages, 15)}`,
);
