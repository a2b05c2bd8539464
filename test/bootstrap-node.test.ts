import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '../scripts/bootstrap-node.sh');

// nvm puts its (older) Node first on PATH; npm then runs each lifecycle script with that PATH, so `prepare`
// failed with ERR_UNKNOWN_FILE_EXTENSION although `preinstall` had just installed Node 24.
describe('scripts/bootstrap-node.sh', () => {
  it('runs a command with a Node >= 22.18 first on PATH when an older one comes first', () => {
    const fake = mkdtempSync(join(tmpdir(), 'old-node-'));
    try {
      writeFileSync(join(fake, 'node'), '#!/bin/sh\n[ "$1" = "--version" ] && echo v20.20.2\n[ "$1" = "-e" ] && exit 1\nexit 1\n');
      chmodSync(join(fake, 'node'), 0o755);
      const env = { ...process.env, PATH: `${fake}:${process.env.PATH}` };
      const version = execFileSync('bash', [script, 'node', '-p', 'process.versions.node'], { env, encoding: 'utf8' }).trim();
      const [major = 0, minor = 0] = version.split('.').map(Number);
      expect(major > 22 || (major === 22 && minor >= 18)).toBe(true);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});
