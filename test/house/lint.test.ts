import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
/** The files git tracks (or would: new ones not ignored), as the linters see them. */
function sources(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((f) => /\.(ts|js|mjs|cjs)$/.test(f) && !f.startsWith('miniprogram/shared/') && fs.existsSync(path.join(ROOT, f)));
}

/**
 * The house's rule for lint exceptions (issue 12): no file-level disable anywhere, and every
 * line-level disable names its rule and says why after `--`.
 */
describe('lint exceptions', () => {
  test('no file-level disable; each line-level disable names its rule and gives its reason', () => {
    const problems: string[] = [];
    for (const file of sources()) {
      const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        const m = /eslint-disable(-next-line|-line)?\b(.*)$/.exec(line);
        if (!m || file === 'test/house/lint.test.ts') return;
        if (!m[1]) problems.push(`${file}:${i + 1} disables for the whole file`);
        else if (!/^\s+[@\w/-]+(,\s*[@\w/-]+)*\s+--\s+\S.{10,}/.test(m[2] ?? ''))
          problems.push(`${file}:${i + 1} has no rule or no reason: ${line.trim()}`);
      });
    }
    expect(problems).toEqual([]);
  });
});
