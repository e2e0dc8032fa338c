/**
 * The one shape every channel produces (spec: channels.md §0.2). The server's intake
 * use case takes exactly this, so a WeChat message, a phone call typed up by an agent
 * and an Open311 POST all become the same ticket the same way.
 */
import { z } from 'zod';

export const ChannelKind = z.enum(['phone', 'wechat', 'web', 'h5', 'api', 'sms', 'email', 'open311', 'exchange']);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const InboundAppeal = z.strictObject({
  channel: ChannelKind,
  /** WeChat appId, mailbox, Open311 api key id, peer platform id; '' for the agent desk. */
  channelAccount: z.string().max(128).default(''),
  /** Idempotency key within (channel, channelAccount): a retried push makes no second ticket. */
  externalId: z.string().min(1).max(200),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  citizen: z.strictObject({
    phone: z.string().max(32).optional(),
    openId: z.string().max(128).optional(),
    email: z.string().max(254).optional(),
    name: z.string().max(64).optional(),
    idNumber: z.string().max(32).optional(),
    creditCode: z.string().max(32).optional(),
    anonymousToUnits: z.boolean().optional(),
  }),
  content: z.strictObject({
    text: z.string().trim().min(1).max(20000),
    title: z.string().trim().max(200).optional(),
  }),
  location: z
    .strictObject({
      lat: z.number().min(-90).max(90).optional(),
      lng: z.number().min(-180).max(180).optional(),
      address: z.string().max(500).optional(),
      divisionCode: z
        .string()
        .regex(/^\d{6,12}$/)
        .optional(),
    })
    .optional(),
  attachments: z
    .array(
      z.strictObject({
        kind: z.enum(['image', 'audio', 'video', 'document']),
        mime: z.string().max(100),
        size: z.number().int().nonnegative().optional(),
        sha256: z.string().max(64).optional(),
        /** The sender's file name, for display only (the type comes from the bytes). */
        name: z.string().max(200).optional(),
        storageKey: z.string().max(300).optional(),
        remoteRef: z.string().max(300).optional(),
      }),
    )
    .max(20)
    .default([]),
  hints: z
    .strictObject({
      serviceCode: z.string().max(32).optional(),
      categoryCode: z.string().max(32).optional(),
      appealType: z.string().max(32).optional(),
      urgency: z.string().max(32).optional(),
      ivrPath: z.array(z.string().max(16)).max(20).optional(),
    })
    .optional(),
  threadRef: z.strictObject({ ticketNo: z.string().max(32).optional(), messageId: z.string().max(300).optional() }).optional(),
  replyRoute: z.strictObject({ channel: ChannelKind, address: z.string().max(300) }).optional(),
  rawRef: z.string().max(300).optional(),
});
export type InboundAppeal = z.input<typeof InboundAppeal>;
export type ParsedInboundAppeal = z.output<typeof InboundAppeal>;
