import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../platform/http/middleware';
import { requireStaff } from '../identity/sessions';
import { iso } from '../tickets/present';
import type { RateLimiter } from '../platform/http/rate-limit';
import { AnswerSmsInput, sendAnswerSms } from './answer-sms';
import { ArticleInput, ArticlePatch, createArticle, getArticle, searchArticles, updateArticle } from './use-cases/articles';

const IdParams = z.strictObject({ id: z.uuid() });
const SearchQuery = z.strictObject({
  q: z.string().trim().max(500).optional(),
  categoryCode: z.string().max(32).optional(),
  validOnly: z.enum(['true', 'false']).default('false'),
  includeRetired: z.enum(['true', 'false']).default('false'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const SuggestQuery = z.strictObject({ text: z.string().trim().min(1).max(5000), categoryCode: z.string().max(32).optional() });
const EDITORS = ['admin', 'supervisor'] as const;

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export const presentArticle = (r: Row, full = true) => ({
  id: r.id,
  title: r.title,
  ...(full ? { body: r.body } : { excerpt: String(r.body).slice(0, 160) }),
  categoryCode: r.categoryCode,
  validFrom: r.validFrom,
  validTo: r.validTo,
  ownerUnitId: r.ownerUnitId,
  usageCount: r.usageCount,
  active: r.active,
  ...(r.score !== undefined ? { score: Number(r.score) } : {}),
  ...(r.updatedAt ? { updatedAt: iso(r.updatedAt) } : {}),
});

export function knowledgeRoutes(deps: { limiter: RateLimiter }) {
  const r = Router();

  /** 短信发送: the article's answer to the ticket's caller (answer-sms.ts), on the ticket's timeline. */
  r.post(
    '/tickets/:id/knowledge-sms',
    requireStaff('agent', 'dispatcher', 'supervisor'),
    validate({ params: IdParams, body: AnswerSmsInput }),
    async (req, res) => {
      await sendAnswerSms(req.ctx, deps.limiter, String(req.params.id), req.body);
      res.status(202).json({ data: { sent: true } });
    },
  );

  /** For the agent while registering: the articles in force that best match what the caller said. */
  r.get('/knowledge/suggest', requireStaff(), validate({ query: SuggestQuery }), async (req, res) => {
    const q = res.locals.query;
    const rows = await searchArticles(req.ctx, { text: q.text, categoryCode: q.categoryCode, validOnly: true, limit: 5 });
    res.json({ data: rows.map((x) => presentArticle(x, false)) });
  });

  r.get('/knowledge/articles', requireStaff(), validate({ query: SearchQuery }), async (req, res) => {
    const q = res.locals.query;
    const editor = req.ctx.actor.kind === 'staff' && (EDITORS as readonly string[]).includes(req.ctx.actor.role);
    const rows = await searchArticles(req.ctx, {
      text: q.q,
      categoryCode: q.categoryCode,
      validOnly: q.validOnly === 'true',
      limit: q.limit,
      includeRetired: editor && q.includeRetired === 'true',
    });
    res.json({ data: rows.map((x) => presentArticle(x, false)) });
  });

  r.get('/knowledge/articles/:id', requireStaff(), validate({ params: IdParams }), async (req, res) => {
    res.json({ data: presentArticle(await getArticle(req.ctx, String(req.params.id))) });
  });

  r.post('/knowledge/articles', requireStaff(...EDITORS), validate({ body: ArticleInput }), async (req, res) => {
    res.status(201).json({ data: presentArticle(await createArticle(req.ctx, req.body)) });
  });

  r.patch('/knowledge/articles/:id', requireStaff(...EDITORS), validate({ params: IdParams, body: ArticlePatch }), async (req, res) => {
    res.json({ data: presentArticle(await updateArticle(req.ctx, String(req.params.id), req.body)) });
  });

  /** Retire, never delete: past tickets refer to the article they were answered from. */
  r.delete('/knowledge/articles/:id', requireStaff(...EDITORS), validate({ params: IdParams }), async (req, res) => {
    res.json({ data: presentArticle(await updateArticle(req.ctx, String(req.params.id), { active: false })) });
  });

  return r;
}
