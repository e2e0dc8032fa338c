/**
 * Demo data: a city with 3 districts and 6 streets, 23 handling units, one user per role,
 * the category tree, and a few hundred tickets in every state, made through the real use
 * cases so each has a consistent timeline. Safe to re-run: it does nothing if agent1 exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { hash } from '@node-rs/argon2';
import { env } from '../server/platform/config/env';
import { logger } from '../server/platform/log/logger';
import { createRuntime } from '../server/platform/runtime';
import { makeCtx, type Actor } from '../server/platform/context';
import { users, type Role } from '../server/identity/tables';
import { handlingUnits, type UnitKind } from '../server/dispatch/tables';
import { regions } from '../server/catalog/tables';
import { flattenTree, importCategoryTree } from '../server/catalog/use-cases/import-category-tree';
import { registerTicket } from '../server/tickets/use-cases/register-ticket';
import { ACTION_HANDLERS } from '../server/tickets/actions';
import { loadClassifier } from '../server/tickets/classifier';
import { seedReferenceData } from './seed-reference';
import { Problem } from '../server/platform/http/problems';
import { seedFeedbackDemo } from '../server/reviews/seed-demo-feedback';
import { seedHotlinesDemo } from '../server/hotlines/seed-demo-lines';
import { seedRoutingDemo } from '../server/dispatch/seed-demo-routing';
import { seedRectificationRoundsDemo } from '../server/reviews/seed-demo-rounds';
import { extensionDayFor } from '../server/sla/extension';
import { seedSupervisionDemo } from '../server/supervision/seed-demo';
import { seedTextsDemo } from '../server/texts/seed-demo-texts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_PASSWORD = 'Rexian!2026';

const REGIONS = [
  { code: '440000', name: '广东省', parentCode: null, level: 'province' },
  { code: '440100', name: '广州市', parentCode: '440000', level: 'city' },
  { code: '440106', name: '天河区', parentCode: '440100', level: 'district' },
  { code: '440104', name: '越秀区', parentCode: '440100', level: 'district' },
  { code: '440105', name: '海珠区', parentCode: '440100', level: 'district' },
  { code: '440106001', name: '林和街道', parentCode: '440106', level: 'street' },
  { code: '440106002', name: '石牌街道', parentCode: '440106', level: 'street' },
  { code: '440104001', name: '北京街道', parentCode: '440104', level: 'street' },
  { code: '440104002', name: '农林街道', parentCode: '440104', level: 'street' },
  { code: '440105001', name: '滨江街道', parentCode: '440105', level: 'street' },
  { code: '440105002', name: '南华西街道', parentCode: '440105', level: 'street' },
] as const;

type UnitSeed = { code: string; name: string; kind: UnitKind; region: string; parent?: string };
const UNITS: UnitSeed[] = [
  { code: 'centre', name: '12345热线服务中心', kind: 'centre', region: '440100' },
  { code: 'city', name: '广州市人民政府', kind: 'city_gov', region: '440100' },
  { code: 'tianhe', name: '天河区人民政府', kind: 'district_gov', region: '440106', parent: 'city' },
  { code: 'yuexiu', name: '越秀区人民政府', kind: 'district_gov', region: '440104', parent: 'city' },
  { code: 'haizhu', name: '海珠区人民政府', kind: 'district_gov', region: '440105', parent: 'city' },
  { code: 'linhe', name: '天河区林和街道办事处', kind: 'street', region: '440106001', parent: 'tianhe' },
  { code: 'shipai', name: '天河区石牌街道办事处', kind: 'street', region: '440106002', parent: 'tianhe' },
  { code: 'beijingjie', name: '越秀区北京街道办事处', kind: 'street', region: '440104001', parent: 'yuexiu' },
  { code: 'nonglin', name: '越秀区农林街道办事处', kind: 'street', region: '440104002', parent: 'yuexiu' },
  { code: 'binjiang', name: '海珠区滨江街道办事处', kind: 'street', region: '440105001', parent: 'haizhu' },
  { code: 'nanhuaxi', name: '海珠区南华西街道办事处', kind: 'street', region: '440105002', parent: 'haizhu' },
  { code: 'zhujian', name: '市住房和城乡建设局', kind: 'functional', region: '440100' },
  { code: 'huanbao', name: '市生态环境局', kind: 'functional', region: '440100' },
  { code: 'jiaotong', name: '市交通运输局', kind: 'functional', region: '440100' },
  { code: 'jiaoyu', name: '市教育局', kind: 'functional', region: '440100' },
  { code: 'renshe', name: '市人力资源和社会保障局', kind: 'functional', region: '440100' },
  { code: 'weijian', name: '市卫生健康委员会', kind: 'functional', region: '440100' },
  { code: 'shangwu', name: '市商务局', kind: 'functional', region: '440100' },
  { code: 'shichang', name: '市市场监督管理局', kind: 'functional', region: '440100' },
  { code: 'chengguan', name: '市城市管理和综合执法局', kind: 'functional', region: '440100' },
  { code: 'gongan', name: '市公安局', kind: 'functional', region: '440100' },
  { code: 'water', name: '市自来水有限公司', kind: 'utility', region: '440100' },
  { code: 'power', name: '广州供电局', kind: 'utility', region: '440100' },
];

/** First-level category → owning unit, for the demo dispatch catalogue. */
export const CATEGORY_OWNERS: Record<string, string> = {
  城乡建设: 'zhujian',
  环境保护: 'huanbao',
  交通运输: 'jiaotong',
  教育文体: 'jiaoyu',
  劳动和社会保障: 'renshe',
  卫生计生: 'weijian',
  商贸旅游: 'shangwu',
  经济管理: 'shichang',
  政法: 'gongan',
};

const USERS: { username: string; displayName: string; role: Role; unit?: string; ext?: string }[] = [
  { username: 'agent1', displayName: '话务员 王芳', role: 'agent', unit: 'centre', ext: '8001' },
  { username: 'agent2', displayName: '话务员 李娜', role: 'agent', unit: 'centre', ext: '8002' },
  { username: 'dispatcher1', displayName: '派单员 陈刚', role: 'dispatcher', unit: 'centre' },
  { username: 'supervisor1', displayName: '值班长 赵敏', role: 'supervisor', unit: 'centre' },
  { username: 'admin1', displayName: '系统管理员', role: 'admin', unit: 'centre' },
  { username: 'admin2', displayName: '安全管理员', role: 'admin', unit: 'centre' },
  ...['zhujian', 'huanbao', 'jiaotong', 'jiaoyu', 'renshe', 'weijian', 'shangwu', 'shichang', 'tianhe', 'linhe'].map((u) => ({
    username: `clerk-${u}`,
    displayName: `${UNITS.find((x) => x.code === u)!.name} 承办员`,
    role: 'unit_clerk' as Role,
    unit: u,
  })),
];

async function main() {
  const classify = (await loadClassifier(logger))?.classify;
  const rt = createRuntime({ databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX, piiKey: env.PII_KEY, classify });
  try {
    const [existing] = await rt.db.select().from(users).where(eq(users.username, 'agent1'));
    if (existing) {
      console.log('demo data already present; nothing to do');
      printLogins();
      return;
    }
    await rt.db.insert(regions).values(REGIONS.map((r) => ({ ...r })));
    const unitIds = new Map<string, string>();
    for (const u of UNITS) {
      const [row] = await rt.db
        .insert(handlingUnits)
        .values({
          code: u.code,
          name: u.name,
          kind: u.kind,
          regionCode: u.region,
          parentId: u.parent ? unitIds.get(u.parent) : null,
        })
        .returning({ id: handlingUnits.id });
      unitIds.set(u.code, row.id);
    }
    const tree = JSON.parse(fs.readFileSync(path.join(root, 'data/taxonomy.json'), 'utf8'));
    const cats = flattenTree(tree);
    await importCategoryTree(rt.db, cats, 'Demo tree (provincial message platform, 3 levels)', 'data/taxonomy.json');
    await seedReferenceData(rt.db, { unitIds, categories: cats, owners: CATEGORY_OWNERS });

    const pw = await hash(DEMO_PASSWORD);
    const actors = new Map<string, Actor>();
    for (const u of USERS) {
      const [row] = await rt.db
        .insert(users)
        .values({
          username: u.username,
          passwordHash: pw,
          displayName: u.displayName,
          role: u.role,
          unitId: u.unit ? unitIds.get(u.unit) : null,
          phoneExtension: u.ext ?? null,
        })
        .returning();
      actors.set(u.username, { kind: 'staff', id: row.id, role: u.role, unitId: row.unitId, displayName: u.displayName });
    }
    const n = await seedTickets(rt, actors, unitIds, cats);
    await rt.relay.drain();
    console.log(`demo data: ${UNITS.length} units, ${cats.length} categories, ${USERS.length} users, ${n} tickets`);
    await seedFeedbackDemo(rt, actors);
    await seedHotlinesDemo(rt, actors);
    await seedRoutingDemo(rt, actors);
    await seedRectificationRoundsDemo(rt, actors);
    await seedSupervisionDemo(rt, actors);
    await seedTextsDemo(rt);
    printLogins();
  } finally {
    await rt.close();
  }
}

const PATH = ['submit', 'dispatch', 'sign', 'start', 'reply', 'accept-reply', 'archive'] as const;

async function seedTickets(
  rt: ReturnType<typeof createRuntime>,
  actors: Map<string, Actor>,
  unitIds: Map<string, string>,
  cats: { code: string; name: string; level: number }[],
) {
  const lines = fs.readFileSync(path.join(root, 'data/demo-appeals.jsonl'), 'utf8').trim().split('\n').slice(0, 320);
  let rnd = 42;
  const rand = () => (rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const start = Date.now() - 20 * 86400_000;
  let count = 0;
  for (const [i, line] of lines.entries()) {
    const m = JSON.parse(line) as { title: string; content: string; category: string };
    let t = start + i * ((20 * 86400_000) / lines.length);
    const at = () => new Date(Math.min((t += 15 * 60_000 + rand() * 3600_000), Date.now()));
    const ctxFor = (who: string) => makeCtx({ db: rt.db, actor: actors.get(who)!, log: rt.log, svc: rt.svc, now: at });
    const phone = `13${String(800000000 + Math.floor(rand() * 199999999)).padStart(9, '0')}`;
    const region = ['440106', '440104', '440105'][i % 3];
    const reg = await registerTicket(
      ctxFor('agent1'),
      {
        channel: (['phone', 'phone', 'web', 'wechat'] as const)[i % 4],
        channelAccount: '',
        externalId: `demo-${i}`,
        citizen: { phone, name: ['张伟', '王秀英', '李强', '刘洋', '陈静'][i % 5] },
        content: { title: m.title, text: m.content },
        location: { address: `广州市${REGIONS.find((r) => r.code === region)!.name}某某路${10 + (i % 90)}号`, divisionCode: region },
        attachments: [],
      },
      { regionCode: region, appealType: (['complaint', 'help', 'consult', 'suggestion', 'report'] as const)[i % 5] },
    );
    count++;
    const owner = unitIds.get(CATEGORY_OWNERS[m.category] ?? 'tianhe')!;
    const cat = cats.find((c) => c.level === 1 && c.name === m.category);
    const clerk = [...actors.entries()].find(([, a]) => a.kind === 'staff' && a.unitId === owner)?.[0];
    const roll = rand();
    const act = (who: string, action: keyof typeof ACTION_HANDLERS, body: Record<string, unknown> = {}) =>
      ACTION_HANDLERS[action].run(ctxFor(who), reg.ticketId, ACTION_HANDLERS[action].input.parse(body) as never);
    if (roll < 0.08) continue; // stays received
    if (roll < 0.14) {
      await act('agent1', 'answer-directly', { answer: '已根据知识库政策口径答复来电人。' });
      continue;
    }
    if (roll < 0.16) {
      await act('agent1', 'transfer-emergency', { line: '119' });
      continue;
    }
    if (roll < 0.19) {
      await act('agent2', 'decline', { reasonCode: 'statutory_route', note: '属诉讼事项，已告知依法向人民法院起诉。' });
      continue;
    }
    const depth = clerk ? 1 + Math.floor(rand() * PATH.length) : 2;
    for (const step of PATH.slice(0, depth)) {
      if (step === 'submit') await act('agent1', 'submit', { categoryCode: cat?.code });
      else if (step === 'dispatch') await act('dispatcher1', 'dispatch', { leadUnitId: owner });
      else if (step === 'reply') await act(clerk!, 'reply', { text: '经核查，已安排相关科室现场处理，并电话联系诉求人说明情况。' });
      else if (step === 'accept-reply') await act('dispatcher1', 'accept-reply', {});
      // Archive waits for the callback (issue 15, item 12): a ticket whose callback is still open stays closed.
      else if (step === 'archive')
        await act('supervisor1', 'archive', {}).catch((e) => {
          if (!(e instanceof Problem) || e.code !== 'CALLBACK_PENDING') throw e;
        });
      else await act(clerk!, step, {});
    }
    // Whether a unit is still inside its return window or before its deadline depends on when the
    // demo is loaded (times are relative to now), so a refusal here is the rule working: skip it.
    const tryAct = (who: string, action: keyof typeof ACTION_HANDLERS, body: Record<string, unknown>) =>
      act(who, action, body).catch((e) => {
        if (
          !(e instanceof Problem) ||
          !['RETURN_WINDOW_CLOSED', 'EXTENSION_TOO_LATE', 'EXTENSION_LIMIT_REACHED', 'EXTENSION_BEYOND_MAXIMUM', 'EXTENSION_DATE_NOT_WORKING_DAY'].includes(
            e.code,
          )
        )
          throw e;
      });
    if (depth === 3 && rand() < 0.3) await tryAct(clerk!, 'request-return', { reasonCode: 'not_our_duty', note: '该事项属属地街道职责。' });
    if (depth === 4 && rand() < 0.3)
      await tryAct(clerk!, 'request-extension', { newDueDate: await extensionDayFor(rt.db, reg.ticketId), reason: '需多部门联合核查。' });
  }
  return count;
}

function printLogins() {
  console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD})`);
  for (const u of USERS) console.log(`  ${u.username.padEnd(16)} ${u.role.padEnd(11)} ${u.displayName}`);
  console.log(`\nOpen http://localhost:${env.PORT}/ and log in as one of the users above (the server starts next).\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
