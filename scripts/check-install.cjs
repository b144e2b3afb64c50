// `npm start` installs nothing behind your back: it stops here when dependencies are missing.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
if (!existsSync(join(__dirname, '..', 'node_modules', '.bin', 'tsc'))) {
  process.stderr.write('Dependencies are not installed. Run `npm ci` first, then `npm start`.\n');
  process.exit(1);
}
