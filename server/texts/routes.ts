import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../platform/http/middleware';
import { requireStaff } from '../identity/sessions';
import { SNIPPET_KINDS } from './tables';
import { CreateTemplateInput, createTemplate, listTemplates, UpdateTemplateInput, updateTemplate } from './use-cases/templates';
import { CreateSnippetInput, createSnippet, listSnippets, UpdateSnippetInput, updateSnippet } from './use-cases/snippets';

const IdParams = z.strictObject({ id: z.uuid() });
const KindQuery = z.strictObject({ kind: z.enum(SNIPPET_KINDS).optional() });

/** Message templates, agents' phrases (常用语) and units' reply templates. */
export function textRoutes() {
  const r = Router();
  const admin = requireStaff('admin');
  r.get('/admin/message-templates', requireStaff('admin', 'supervisor'), async (req, res) => {
    res.json({ data: await listTemplates(req.ctx) });
  });
  r.post('/admin/message-templates', admin, validate({ body: CreateTemplateInput }), async (req, res) => {
    res.status(201).json({ data: await createTemplate(req.ctx, req.body) });
  });
  r.put('/admin/message-templates/:id', admin, validate({ params: IdParams, body: UpdateTemplateInput }), async (req, res) => {
    res.json({ data: await updateTemplate(req.ctx, String(req.params.id), req.body) });
  });

  /** What the agent desk and the unit portal pick from: in-use entries only. */
  r.get('/text-snippets', requireStaff(), validate({ query: KindQuery }), async (req, res) => {
    res.json({ data: await listSnippets(req.ctx, res.locals.query.kind, true) });
  });
  r.get('/admin/text-snippets', admin, validate({ query: KindQuery }), async (req, res) => {
    res.json({ data: await listSnippets(req.ctx, res.locals.query.kind, false) });
  });
  r.post('/admin/text-snippets', admin, validate({ body: CreateSnippetInput }), async (req, res) => {
    res.status(201).json({ data: await createSnippet(req.ctx, req.body) });
  });
  r.put('/admin/text-snippets/:id', admin, validate({ params: IdParams, body: UpdateSnippetInput }), async (req, res) => {
    res.json({ data: await updateSnippet(req.ctx, String(req.params.id), req.body) });
  });
  return r;
}
