import { Router } from 'express';
import { sql } from 'drizzle-orm';
import { requireStaff } from '../identity/sessions';
import { problem } from '../platform/http/problems';
import type { LoadedClassifier } from './classifier';
import { recordAdminChange } from '../platform/events/admin-change';
import { inTransaction } from '../platform/transaction';

/**
 * The model against the agents: of the tickets an agent confirmed, how often the suggestion's
 * first-level category was kept, per category and month (categories.md §4).
 */
export function classifierRoutes(classifier: () => LoadedClassifier | undefined) {
  const r = Router();
  r.get('/admin/classifier', requireStaff('admin', 'supervisor'), async (req, res) => {
    const rows = await req.ctx.db.execute(sql`with confirmed as (
        select t.id, t.classifier_version as v, t.suggestion->>'category' as suggested, date_trunc('month', e.at) as month
        from tickets t join ticket_events e on e.ticket_id = t.id and e.type = 'ticket.submitted'
        where t.suggestion is not null)
      select to_char(c.month, 'YYYY-MM') as month, c.suggested as category, count(*)::int as confirmed,
        count(k.id)::int as corrected, round(1 - count(k.id)::numeric / count(*), 4)::float as "agreement"
      from confirmed c left join classifier_corrections k on k.ticket_id = c.id
      group by 1, 2 order by 1 desc, 2`);
    res.json({ data: { modelVersion: classifier()?.version() ?? null, agreement: rows.rows } });
  });
  /** A reload that fails records nothing; one that succeeds is an administrative change naming both model versions. */
  r.post('/admin/classifier/reload', requireStaff('admin'), async (req, res) => {
    const c = classifier();
    if (!c) throw problem('SERVICE_UNAVAILABLE', 'classifier not loaded');
    const modelVersion = await inTransaction(req.ctx, async (tx) => {
      const before = c.version();
      const after = c.reload();
      await recordAdminChange(tx, req.ctx, {
        entity: 'classifier',
        id: 'model',
        action: 'reloaded',
        before: { modelVersion: before },
        after: { modelVersion: after },
      });
      return after;
    });
    res.json({ data: { modelVersion } });
  });
  return r;
}
