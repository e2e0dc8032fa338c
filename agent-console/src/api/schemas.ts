import * as z from 'zod/mini';

// Client-side mirrors of docs/API.md bodies. Messages are i18n keys; forms translate them.
// The server stays the authority (it rejects unknown fields), so these only catch what a person can fix.
// zod/mini, not classic zod: same checks, a fifth of the bytes on the login screen's critical path.

const trimmed = (...checks: z.core.$ZodCheck<string>[]) => z.string('v.required').check(z.trim(), ...checks);
const phone = trimmed(z.regex(/^(\+?86)?(1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8})$/, 'v.phone'));
const mobile = trimmed(z.regex(/^1\d{10}$/, 'v.mobile'));
const smsCode = trimmed(z.regex(/^\d{4,8}$/, 'v.code'));
const required = (max: number) => trimmed(z.minLength(1, 'v.required'), z.maxLength(max, 'v.tooLong'));
/** Empty strings from cleared inputs become undefined, so optional fields are left out of the body. */
const optional = (max: number) =>
  z.pipe(
    z.optional(trimmed(z.maxLength(max, 'v.tooLong'))),
    z.transform((v) => (v ? v : undefined)),
  );

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** GB 11643 check character: catches the typo before the caller hangs up, not after. */
export function idCheckOk(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17].toUpperCase();
}

// The codes come from the contract the server validates against (contract/enums.ts), not a copy.
import { APPEAL_TYPES, DECLINE_REASONS, EMERGENCY_LINES, RECALL_REASONS, RETURN_REASONS, URGENCIES } from '../../../contract/enums';
export { APPEAL_TYPES, DECLINE_REASONS, EMERGENCY_LINES, RECALL_REASONS, RETURN_REASONS, URGENCIES };
/** 办理结果 of a unit reply (server: dispatch/use-cases/unit-handling.ts). */
export const REPLY_OUTCOMES = ['resolved', 'partly_resolved', 'explained'] as const;

export const LoginInput = z.object({ username: required(64), password: z.string('v.required').check(z.minLength(1, 'v.required')) });

export const CreateTicketInput = z.object({
  channel: z.literal('phone'),
  callerPhone: phone,
  callerName: optional(50),
  title: optional(100),
  content: required(5000),
  appealType: z.optional(z.enum(APPEAL_TYPES)),
  urgency: z.optional(z.enum(URGENCIES)),
  categoryCode: optional(32),
  regionCode: z.pipe(
    z.optional(trimmed(z.regex(/^(\d{6}|\d{9}|\d{12})?$/, 'v.tooShort'))),
    z.transform((v) => (v ? v : undefined)),
  ),
  address: optional(200),
  idNumber: z.pipe(
    z.optional(
      trimmed(
        z.regex(/^(\d{17}[\dXx])?$/, 'v.idNumber'),
        z.refine((v) => !v || idCheckOk(v), 'v.idCheck'),
      ),
    ),
    z.transform((v) => (v ? v.toUpperCase() : undefined)),
  ),
  /** The server stores the line to transfer to ('110'…), not a yes/no. */
  emergency: z.optional(z.enum(EMERGENCY_LINES)),
  anonymousToUnits: z.optional(z.boolean()),
  callId: optional(64),
});
export type CreateTicketInput = z.infer<typeof CreateTicketInput>;

const note = optional(500);
const date = z.string('v.date').check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'v.date'));

/** One schema per action body in docs/API.md's action table. */
export const ActionBodies = {
  'answer-directly': z.object({ answer: required(5000) }),
  'transfer-emergency': z.object({ line: z.enum(EMERGENCY_LINES, 'v.required'), note }),
  decline: z.object({ reasonCode: z.enum(DECLINE_REASONS, 'v.required'), note: required(500) }),
  merge: z.object({ intoTicketNumber: required(32) }),
  submit: z.object({
    categoryCode: optional(32),
    appealType: z.optional(z.enum(APPEAL_TYPES)),
    urgency: z.optional(z.enum(URGENCIES)),
  }),
  dispatch: z.object({
    leadUnitId: z.string('v.required').check(z.minLength(1, 'v.required')),
    assistingUnitIds: z.optional(z.array(z.string()).check(z.maxLength(10))),
    copyUnitIds: z.optional(z.array(z.string()).check(z.maxLength(10))),
    note,
  }),
  reassign: z.object({
    leadUnitId: z.string('v.required').check(z.minLength(1, 'v.required')),
    reasonCode: z.enum(RECALL_REASONS, 'v.required'),
    note: required(500),
  }),
  recall: z.object({ reasonCode: z.enum(RECALL_REASONS, 'v.required'), note: required(500) }),
  sign: z.object({}),
  start: z.object({}),
  'request-return': z.object({ reasonCode: z.enum(RETURN_REASONS, 'v.required'), note: required(500) }),
  'approve-return': z.object({ leadUnitId: z.string('v.required').check(z.minLength(1, 'v.required')), note }),
  'reject-return': z.object({ note: required(500) }),
  'request-extension': z.object({ newDueDate: date, reason: required(500) }),
  'approve-extension': z.object({ note }),
  'deny-extension': z.object({ note: required(500) }),
  reply: z.pipe(
    z
      .object({
        text: required(5000),
        earlyReplyReason: optional(500),
        attachments: z.optional(z.array(z.object({ name: z.string(), storageKey: z.string() })).check(z.maxLength(10, 'v.tooMany'))),
        // 办理结果 and 是否联系市民 are asked of every reply made in the console; the contact time only when contacted.
        outcome: z.enum(REPLY_OUTCOMES, 'v.required'),
        citizenContacted: z.boolean('v.required'),
        contactedAt: z.optional(z.string()),
      })
      .check(z.refine((v) => !v.citizenContacted || !!v.contactedAt, { message: 'v.contactedAt', path: ['contactedAt'] })),
    z.transform(({ contactedAt, ...v }) => ({
      ...v,
      ...(v.citizenContacted && contactedAt ? { contactedAt: new Date(contactedAt).toISOString() } : {}),
    })),
  ),
  'accept-reply': z.object({ note }),
  'send-back': z.object({ note: required(500) }),
  reopen: z.object({ reason: required(500) }),
  archive: z.object({}),
} satisfies Record<string, z.ZodMiniType>;
export type ActionName = keyof typeof ActionBodies;

export const SmsCodeInput = z.object({ phone: mobile, purpose: z.enum(['submit', 'track']) });

export const PublicAppealInput = z.object({
  phone: mobile,
  code: smsCode,
  name: optional(50),
  title: optional(100),
  content: trimmed(z.minLength(5, 'v.tooShort'), z.maxLength(5000, 'v.tooLong')),
  categoryHint: optional(50),
  address: optional(200),
});

export const TrackByCode = z.object({
  number: required(32),
  phone: mobile,
  code: smsCode,
});
/** The receipt's 10-character code (any case, hyphens and spaces ignored) or a 32-hex one printed before. */
const TRACK_CODE = /^([0-9a-z]{10}|[0-9a-f]{32})$/i;
export const TrackByToken = z.object({
  number: required(32),
  trackToken: trimmed(
    z.minLength(1, 'v.required'),
    z.refine((v) => !v || TRACK_CODE.test(v.replace(/[\s-]/g, '')), 'v.trackCode'),
  ),
});

/** Field → first message key, the shape antd's Form.setFields wants. */
export function fieldErrors(error: z.core.$ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.');
    if (!(key in out)) out[key] = issue.message;
  }
  return out;
}
