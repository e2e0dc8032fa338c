import { Router } from 'express';
import { z } from 'zod';
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { validate } from '../platform/http/middleware';
import { problem } from '../platform/http/problems';
import { requireStaff } from '../identity/sessions';
import { holidays, slaPolicies } from '../dispatch/tables';
import { validateHolidayRows, type HolidayRow } from './holiday-rows';
import { policyFromRow, policyToRow, SlaPolicyInvalidError } from './policy-rows';
import { presetPolicies, SLA_PRESET_NAMES, type SlaPresetName } from './presets';
import { recomputeProvisionalDeadlines } from './use-cases/recompute-provisional-deadlines';
import { CalendarYearMissingError } from './errors';
import { inTransaction } from '../platform/transaction';
import { recordAdminChange } from '../platform/events/admin-change';

const Year = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });
const HolidayYearInput = z.strictObject({
  rows: z.array(z.strictObject({ date: z.iso.date(), kind: z.enum(['holiday', 'workday']), name: z.string().trim().min(1).max(50) })).max(60),
});
const PolicyInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  regionCode: z.union([z.literal('*'), z.string().regex(/^\d{6,12}$/)]),
  appealType: z.string().max(20),
  urgency: z.string().max(20),
  rules: z.record(z.string(), z.unknown()),
  active: z.boolean().default(true),
});
const PresetInput = z.strictObject({
  name: z.enum(SLA_PRESET_NAMES as [SlaPresetName, ...SlaPresetName[]]),
  regionCode: z
    .string()
    .regex(/^(\*|\d{6,12})$/)
    .default('*'),
});

export function slaRoutes() {
  const r = Router();

  r.get('/admin/holidays/:year', requireStaff(), validate({ params: Year }), async (req, res) => {
    const y = Number(req.params.year);
    res.json({
      data: await req.ctx.db
        .select()
        .from(holidays)
        .where(and(gte(holidays.date, `${y}-01-01`), lte(holidays.date, `${y}-12-31`)))
        .orderBy(holidays.date),
    });
  });

  /**
   * Replaces one year's notice (the State Council publishes it each year). The whole calendar is
   * validated as it would be after the edit (a date twice, a "make-up workday" on a weekday, a
   * date outside the year…) and written in one transaction, or nothing changes. Deadlines that
   * were counted provisionally for this year (centre-calendar.ts) are recomputed in the same
   * transaction.
   */
  r.put('/admin/holidays/:year', requireStaff('admin'), validate({ params: Year, body: HolidayYearInput }), async (req, res) => {
    const y = Number(req.params.year);
    const rows = req.body.rows;
    const outside = rows.filter((x) => !x.date.startsWith(`${y}-`));
    if (outside.length) throw problem('VALIDATION_FAILED', `dates outside ${y}: ${outside.map((x) => x.date).join(', ')}`);
    const recomputed = await inTransaction(req.ctx, async (tx) => {
      const others = await tx
        .select()
        .from(holidays)
        .where(sql`extract(year from ${holidays.date}) <> ${y}`);
      const check = validateHolidayRows([...others, ...rows] as HolidayRow[]);
      if (!check.ok) throw problem('VALIDATION_FAILED', 'holiday rows are inconsistent', { issues: check.issues });
      const before = await tx
        .select({ date: holidays.date, kind: holidays.kind, name: holidays.name })
        .from(holidays)
        .where(and(gte(holidays.date, `${y}-01-01`), lte(holidays.date, `${y}-12-31`)))
        .orderBy(holidays.date);
      await tx.delete(holidays).where(and(gte(holidays.date, `${y}-01-01`), lte(holidays.date, `${y}-12-31`)));
      if (rows.length) await tx.insert(holidays).values(rows);
      await recordAdminChange(tx, req.ctx, { entity: 'holidays', id: String(y), action: 'replaced', before, after: rows, audit: { rows: rows.length } });
      try {
        return await recomputeProvisionalDeadlines(tx, req.ctx);
      } catch (err) {
        if (err instanceof CalendarYearMissingError) {
          throw problem('CALENDAR_YEAR_MISSING', err.message, { year: err.year, loadedYears: err.loadedYears });
        }
        throw err;
      }
    });
    await req.ctx.svc.refs?.changed('holidays'); // every node's next deadline counts the new calendar
    res.json({ data: { year: y, rows: rows.length, recomputed } });
  });

  r.get('/admin/sla-policies', requireStaff(), async (req, res) => {
    res.json({ data: await req.ctx.db.select().from(slaPolicies).orderBy(slaPolicies.regionCode, slaPolicies.appealType, slaPolicies.urgency) });
  });

  /** Upsert by (region, type, urgency); a policy that would compute nonsense deadlines is refused whole. */
  r.put('/admin/sla-policies', requireStaff('admin'), validate({ body: PolicyInput }), async (req, res) => {
    const b = req.body;
    try {
      policyFromRow(b);
    } catch (e) {
      if (e instanceof SlaPolicyInvalidError) throw problem('VALIDATION_FAILED', e.message);
      throw e;
    }
    const row = await inTransaction(req.ctx, async (tx) => {
      const [before] = await tx
        .select()
        .from(slaPolicies)
        .where(and(eq(slaPolicies.regionCode, b.regionCode), eq(slaPolicies.appealType, b.appealType), eq(slaPolicies.urgency, b.urgency)))
        .for('update');
      const [saved] = await tx
        .insert(slaPolicies)
        .values(b)
        .onConflictDoUpdate({
          target: [slaPolicies.regionCode, slaPolicies.appealType, slaPolicies.urgency],
          set: { name: b.name, rules: b.rules, active: b.active },
        })
        .returning();
      const view = (p: typeof saved) => ({
        name: p.name,
        regionCode: p.regionCode,
        appealType: p.appealType,
        urgency: p.urgency,
        rules: p.rules,
        active: p.active,
      });
      await recordAdminChange(tx, req.ctx, {
        entity: 'sla_policy',
        id: saved.id,
        action: 'saved',
        ...(before ? { before: view(before) } : {}),
        after: view(saved),
        audit: { ...b },
      });
      return saved;
    });
    await req.ctx.svc.refs?.changed('sla_policies');
    res.json({ data: row });
  });

  r.post('/admin/sla-policies/preset', requireStaff('admin'), validate({ body: PresetInput }), async (req, res) => {
    const b = req.body;
    const rows = presetPolicies(b.name, b.regionCode).map((p) => ({ name: `${b.name} ${p.appealType}/${p.urgency}`, ...policyToRow(p) }));
    await inTransaction(req.ctx, async (tx) => {
      await recordAdminChange(tx, req.ctx, {
        entity: 'sla_policy',
        id: b.name,
        action: 'preset_applied',
        after: { regionCode: b.regionCode, policies: rows.length },
        audit: { regionCode: b.regionCode, rows: rows.length },
      });
      for (const row of rows) {
        await tx
          .insert(slaPolicies)
          .values(row)
          .onConflictDoUpdate({
            target: [slaPolicies.regionCode, slaPolicies.appealType, slaPolicies.urgency],
            set: { name: row.name, rules: row.rules, active: true },
          });
      }
    });
    await req.ctx.svc.refs?.changed('sla_policies');
    res.json({ data: { applied: rows.length } });
  });

  return r;
}
