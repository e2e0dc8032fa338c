import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const CATEGORIES = ['交通运输', '劳动和社会保障', '卫生计生', '商贸旅游', '城乡建设', '教育文体', '环境保护'];

describe('npm run --silent classify', () => {
  it('writes one result per input line, in order, and nothing on stdout', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'rexian-cli-'));
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    const rows = [
      { id: 'a', title: '公司拖欠工资', content: '老板拖欠我们三个月工资' },
      { id: 'b', title: null, content: '救命，楼下着火了' },
      { id: 'c', title: null, content: '' },
    ];
    writeFileSync(input, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const stdout = execFileSync('npm', ['run', '--silent', 'classify', '--', '--input', input, '--output', output], { cwd: ROOT, encoding: 'utf8' });
    expect(stdout).toBe('');
    const out = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((o) => o.id)).toEqual(['a', 'b', 'c']);
    for (const o of out) {
      // The original contract's fields, plus the two additive ones of issue 17 (categoryPath, categoryCandidates).
      expect(Object.keys(o).sort()).toEqual([
        'alternatives',
        'category',
        'categoryCandidates',
        'categoryPath',
        'confidence',
        'emergency',
        'id',
        'reasons',
        'type',
        'urgency',
      ]);
      expect(o.categoryPath[0]).toBe(o.category);
      expect(CATEGORIES).toContain(o.category);
      expect(o.alternatives).toHaveLength(3);
    }
    expect(out[0].category).toBe('劳动和社会保障');
    expect(out[0].categoryPath.slice(0, 2)).toEqual(['劳动和社会保障', '工资福利']);
    expect(out[0].categoryCandidates).toHaveLength(3);
    expect(out[2].categoryCandidates).toEqual([]);
    expect(out[1].emergency).toBe('119');
    expect(out[2].emergency).toBeNull();
  });

  it('reports a bad line on stderr, keeps the line count, and exits non-zero', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'rexian-cli-'));
    const input = join(dir, 'in.jsonl');
    const output = join(dir, 'out.jsonl');
    writeFileSync(input, '{"id":"a","title":null,"content":"路灯坏了"}\nnot json\n');
    const r = spawnSync('npm', ['run', '--silent', 'classify', '--', '--input', input, '--output', output], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/line 2/);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]).error).toMatch(/JSON/);
  });
});
