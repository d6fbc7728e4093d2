#!/usr/bin/env node
// The container's command: runs the app named by APP (dist/apps/<APP>/main.js) in this process, so node stays
// PID 1 and receives SIGTERM itself. The runtime image has no shell to do this choice.
const APPS = ['gateway', 'auth', 'user', 'movie', 'recommendation'];
const app = process.env.APP || 'gateway';
if (!APPS.includes(app)) {
  process.stderr.write(`APP must be one of ${APPS.join(', ')} (got '${app}')\n`);
  process.exit(64);
}
require(`../dist/apps/${app}/main.js`);
