// `node --require bench/cpu-prof-preload.js`: what --cpu-prof does, for processes that cannot take that flag (the
// split launcher's children get only NODE_OPTIONS, where --cpu-prof is refused). Writes
// $CPU_PROF_DIR/CPU.<pid>.cpuprofile when the process exits.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CPU_PROF_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // An in-thread session answers synchronously, so the profile is written before the process ends.
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `CPU.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
