/**
 * Province ↔ city exchange messages (省市平台整合对接, channels.md §7). No national wire spec
 * exists, so two deployments of this system talk this shape; vocabulary after GB/T 33358.
 */
import { z } from 'zod';

const iso = z.iso.datetime({ offset: true });
const attachment = z.strictObject({
  name: z.string().max(200),
  mime: z.string().max(100),
  size: z.number().int().nonnegative().optional(),
  sha256: z.string().max(64).optional(),
  url: z.url({ protocol: /^https?$/ }).max(2000),
});

/** Ticket snapshot pushed downward (order.pushed). */
export const OrderPushedPayload = z.strictObject({
  originTicketNo: z.string().min(1).max(32),
  text: z.string().trim().min(1).max(20000),
  title: z.string().max(200).optional(),
  appealType: z.string().max(32).optional(),
  categoryCode: z
    .string()
    .regex(/^\d{2,12}$/)
    .optional(),
  urgency: z.string().max(32).optional(),
  divisionCode: z
    .string()
    .regex(/^\d{6,12}$/)
    .optional(),
  location: z
    .strictObject({ lat: z.number().min(-90).max(90).optional(), lng: z.number().min(-180).max(180).optional(), address: z.string().max(500).optional() })
    .optional(),
  /** Masked or clear per the agreement between the two platforms. */
  contact: z.strictObject({ name: z.string().max(64).optional(), phone: z.string().max(32).optional(), masked: z.boolean() }).optional(),
  attachments: z.array(attachment).max(20).default([]),
  replyDueAt: iso.optional(),
  historySummary: z.string().max(5000).optional(),
});

/** Direction per type: 'down' = upper → lower, 'up' = lower → upper (fixed; wrong direction → 403). */
export const MESSAGE_TYPES = {
  'order.pushed': { dir: 'down', payload: OrderPushedPayload },
  'order.signed': { dir: 'up', payload: z.strictObject({ note: z.string().max(500).optional() }) },
  'order.returned': { dir: 'up', payload: z.strictObject({ reason: z.string().trim().min(1).max(1000) }) },
  'order.extension_requested': { dir: 'up', payload: z.strictObject({ reason: z.string().trim().min(1).max(1000), requestedDueAt: iso }) },
  'order.extension_decided': {
    dir: 'down',
    payload: z.strictObject({ approved: z.boolean(), newDueAt: iso.optional(), note: z.string().max(1000).optional() }),
  },
  'order.progress': { dir: 'up', payload: z.strictObject({ note: z.string().trim().min(1).max(2000) }) },
  'order.replied': { dir: 'up', payload: z.strictObject({ text: z.string().trim().min(1).max(20000), attachments: z.array(attachment).max(20).default([]) }) },
  'order.closed': { dir: 'down', payload: z.strictObject({ note: z.string().max(1000).optional() }) },
  'order.reopened': { dir: 'down', payload: z.strictObject({ reason: z.string().trim().min(1).max(1000) }) },
  'order.callback_result': {
    dir: 'down',
    payload: z.strictObject({
      result: z.enum(['solved', 'partly', 'unsolved']),
      rating: z.number().int().min(1).max(5),
      comment: z.string().max(1000).optional(),
    }),
  },
  'order.recalled': { dir: 'down', payload: z.strictObject({ reason: z.string().trim().min(1).max(1000) }) },
} as const;
export type MessageType = keyof typeof MESSAGE_TYPES;

export const Envelope = z.strictObject({
  exchangeId: z.uuid(),
  type: z.string().max(64),
  orderId: z.uuid(),
  seq: z.number().int().min(1),
  sentAt: iso,
  from: z.string().min(1).max(64),
  payload: z.unknown(),
});
export type Envelope = z.infer<typeof Envelope>;

export function isMessageType(t: string): t is MessageType {
  return Object.prototype.hasOwnProperty.call(MESSAGE_TYPES, t);
}
