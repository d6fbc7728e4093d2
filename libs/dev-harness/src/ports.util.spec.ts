import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservePort } from './ports.util';

describe('reservePort', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ports-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a port to one caller only while the reservation is fresh', () => {
    expect(reservePort(41001, dir)).toBe(true);
    expect(reservePort(41001, dir)).toBe(false);
    expect(reservePort(41003, dir)).toBe(true);
  });

  it('takes over a reservation older than a minute (its owner has bound the port or gave up)', () => {
    writeFileSync(join(dir, '41005'), '');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(join(dir, '41005'), twoMinutesAgo, twoMinutesAgo);
    expect(reservePort(41005, dir)).toBe(true);
    expect(reservePort(41005, dir)).toBe(false);
  });

  it('still never gives a port twice within this process when the folder cannot be used', () => {
    const notAFolder = join(dir, 'file');
    writeFileSync(notAFolder, '');
    expect(reservePort(41007, notAFolder)).toBe(true);
    expect(reservePort(41007, notAFolder)).toBe(false);
    expect(reservePort(41009, notAFolder)).toBe(true);
  });
});
