import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type Classifier } from '../src/index.js';
import { latestModelPath } from '../src/model-store.js';

const CATEGORIES = ['交通运输', '劳动和社会保障', '卫生计生', '商贸旅游', '城乡建设', '教育文体', '环境保护'];
let classifier: Classifier;
beforeAll(() => {
  classifier = loadModel();
});

describe('classify: what an agent sees', () => {
  it('routes clear appeals to the right first-level category, with reasons', () => {
    const cases: [string, string, string][] = [
      ['出租车拒载乱收费', '的士司机拒载，不打表，乱收费', '交通运输'],
      ['公司拖欠工资半年', '我在某建筑公司打工，老板拖欠我们农民工工资半年，劳动监察大队不管', '劳动和社会保障'],
      ['化工厂偷排废水', '村旁化工厂夜间偷排废水，河水发黑发臭，鱼都死了', '环境保护'],
      ['学校强制补课收费', '某中学暑假强制学生补课，每人收费两千元', '教育文体'],
    ];
    for (const [title, content, category] of cases) {
      const r = classifier.classify({ title, content });
      expect(r.category).toBe(category);
      expect(r.reasons[0]).toMatch(/^分类依据: /);
    }
  });

  it('returns calibrated confidence with three alternatives that sum with it to at most 1', () => {
    const r = classifier.classify({ title: '小区物业乱收停车费', content: '物业公司每月乱收停车费，业主不满' });
    expect(CATEGORIES).toContain(r.category);
    expect(r.alternatives).toHaveLength(3);
    expect(r.alternatives.map((a) => a.category)).not.toContain(r.category);
    const total = r.confidence + r.alternatives.reduce((a, b) => a + b.confidence, 0);
    expect(total).toBeLessThanOrEqual(1.0001);
    expect(r.confidence).toBeGreaterThanOrEqual(r.alternatives[0].confidence);
  });

  it('sets type, urgency and emergency for a fire happening now', () => {
    const r = classifier.classify({ title: null, content: '救命！我们小区3栋着火了，浓烟很大，有人被困' });
    expect(r.emergency).toBe('119');
    expect(r.urgency).toBe('特急');
    expect(r.reasons.some((x) => x.startsWith('应急 119'))).toBe(true);
  });

  it('detects the appeal type from cues', () => {
    expect(classifier.classify({ title: '咨询公积金贷款政策', content: '请问公积金贷款需要什么材料？' }).type).toBe('咨询');
    expect(classifier.classify({ title: '举报某小区传销窝点', content: '小区13栋有传销组织，请严查' }).type).toBe('举报');
    expect(classifier.classify({ title: '感谢社区为民解忧', content: '感谢社区及时帮助解决了我们的问题' }).type).toBe('表扬');
  });

  it('reports PII spans in the content and the model version', () => {
    const r = classifier.classify({ title: '求助', content: '我的电话13812345678，请回电' });
    expect(r.pii.map((p) => p.kind)).toEqual(['mobile']);
    expect(r.modelVersion).toBe(classifier.modelVersion);
    expect(r.modelVersion).toMatch(/^v\d+-[0-9a-f]{8}$/);
  });
});

describe('classify: bad input never crashes', () => {
  it('empty text gives a result flagged as not analysable', () => {
    for (const input of [{ title: null, content: '' }, { title: '', content: '   ' }, {}]) {
      const r = classifier.classify(input);
      expect(r.insufficientText).toBe(true);
      expect(CATEGORIES).toContain(r.category);
      expect(r.reasons[0]).toMatch(/no analysable text/);
    }
  });

  it('punctuation only is treated like empty text', () => {
    expect(classifier.classify({ title: '？？？', content: '！！！……。。。' }).insufficientText).toBe(true);
  });

  it('100 KB of text is classified in bounded time', () => {
    const content = '小区垃圾无人清理，臭气熏天。'.repeat(7500); // ~105 KB
    const started = performance.now();
    const r = classifier.classify({ title: null, content });
    expect(performance.now() - started).toBeLessThan(5000); // ~10 ms on an idle core; slack for a loaded CI machine
    expect(r.category).toBe('城乡建设');
  });

  it('mixed scripts and emoji are fine', () => {
    const r = classifier.classify({ title: 'WiFi信号差😡', content: 'School 的 wifi 很差 👎👎，学生上网课受影响 ¿qué? русский' });
    expect(CATEGORIES).toContain(r.category);
    expect(r.insufficientText).toBe(false);
  });

  it('traditional characters are converted and classified like simplified ones', () => {
    const simplified = classifier.classify({ title: '学校强制补课收费', content: '中学暑假强制学生补课，每人收费两千元' });
    const traditional = classifier.classify({ title: '學校強制補課收費', content: '中學暑假強制學生補課，每人收費兩千元' });
    expect(traditional.category).toBe(simplified.category);
    expect(traditional.confidence).toBeCloseTo(simplified.confidence, 2);
  });

  it('non-string fields give a clear TypeError', () => {
    expect(() => classifier.classify({ title: 5 as unknown as string, content: 'x' })).toThrow(TypeError);
    expect(() => classifier.classify(null as unknown as { content: string })).toThrow(/expects an object/);
  });
});

describe('reloadModel', () => {
  it('switches to a new file without restart and keeps the old model when the file is bad', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rexian-model-'));
    const copy = join(dir, 'copy.json.gz');
    copyFileSync(latestModelPath(), copy);
    const c = loadModel();
    const before = c.modelVersion;
    expect(c.reloadModel(copy)).toBe(before);
    const broken = join(dir, 'broken.json.gz');
    writeFileSync(broken, 'not a model');
    expect(() => c.reloadModel(broken)).toThrow(/not a category model/);
    expect(c.modelVersion).toBe(before);
    expect(c.classify({ content: '公交车乱收费' }).modelVersion).toBe(before);
  });
});
