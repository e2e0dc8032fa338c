import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../platform/http/middleware';
import { requireStaff } from './sessions';
import { CreateUserInput, createUser, listUsersForAdmin, resetMfa, resetPassword, unlockUser, UpdateUserInput, updateUser } from './use-cases/admin-users';

const IdParams = z.strictObject({ id: z.uuid() });
const Empty = z.strictObject({});

/** Staff accounts for the administrator (use-cases/admin-users.ts says what each action keeps and ends). */
export function identityAdminRoutes() {
  const r = Router();
  const admin = requireStaff('admin');
  r.get('/admin/users', admin, async (req, res) => {
    res.json({ data: await listUsersForAdmin(req.ctx) });
  });
  r.post('/admin/users', admin, validate({ body: CreateUserInput }), async (req, res) => {
    // The one-time password is in this answer only; the console shows it once.
    res
      .set('Cache-Control', 'no-store')
      .status(201)
      .json({ data: await createUser(req.ctx, req.body) });
  });
  r.put('/admin/users/:id', admin, validate({ params: IdParams, body: UpdateUserInput }), async (req, res) => {
    res.json({ data: await updateUser(req.ctx, String(req.params.id), req.body) });
  });
  r.post('/admin/users/:id/reset-password', admin, validate({ params: IdParams, body: Empty }), async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ data: await resetPassword(req.ctx, String(req.params.id)) });
  });
  r.post('/admin/users/:id/unlock', admin, validate({ params: IdParams, body: Empty }), async (req, res) => {
    res.json({ data: await unlockUser(req.ctx, String(req.params.id)) });
  });
  r.post('/admin/users/:id/reset-mfa', admin, validate({ params: IdParams, body: Empty }), async (req, res) => {
    res.json({ data: await resetMfa(req.ctx, String(req.params.id)) });
  });
  return r;
}
