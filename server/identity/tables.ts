import { bigint, boolean, integer, pgTable, text, timestamp, uuid, uniqueIndex, index } from 'drizzle-orm/pg-core';
import { handlingUnits } from '../dispatch/tables';

export const ROLES = ['agent', 'dispatcher', 'supervisor', 'unit_clerk', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * One person or company (诉求人). Personal data is stored encrypted (AES-256-GCM) and
 * found by keyed hash, so a database dump shows no phone or ID number in clear.
 */
export const citizens = pgTable(
  'citizens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').$type<'person' | 'company'>().notNull().default('person'),
    nameEnc: text('name_enc'),
    idNumberEnc: text('id_number_enc'),
    idNumberHash: text('id_number_hash'),
    creditCode: text('credit_code'),
    /** Beijing art. 9: malicious repeat callers are flagged, never silently dropped. */
    flaggedMalicious: boolean('flagged_malicious').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('citizens_id_number_hash_idx').on(t.idNumberHash)],
);

/** Contact points (phone, WeChat openid, email) that resolve to one citizen: one citizen, one history. */
export const citizenContacts = pgTable(
  'citizen_contacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    citizenId: uuid('citizen_id')
      .notNull()
      .references(() => citizens.id),
    kind: text('kind').$type<'phone' | 'wechat' | 'email'>().notNull(),
    valueHash: text('value_hash').notNull(),
    valueEnc: text('value_enc').notNull(),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('citizen_contacts_kind_value_uq').on(t.kind, t.valueHash), index('citizen_contacts_citizen_idx').on(t.citizenId)],
);

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  displayName: text('display_name').notNull(),
  role: text('role').$type<Role>().notNull(),
  unitId: uuid('unit_id').references(() => handlingUnits.id),
  /** The agent's phone extension: the CTI's call events name it, the screen pop goes to room agent:<ext>. */
  phoneExtension: text('phone_extension').unique(),
  active: boolean('active').notNull().default(true),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  /** TOTP secret (RFC 6238), encrypted like personal data; set once the user confirmed a first code. */
  mfaSecretEnc: text('mfa_secret_enc'),
  /** A secret shown for enrolment, not yet confirmed with a code. */
  mfaPendingSecretEnc: text('mfa_pending_secret_enc'),
  mfaEnabledAt: timestamp('mfa_enabled_at', { withTimezone: true }),
  /** The last TOTP time step accepted: a code is good once (replay). */
  mfaLastStep: bigint('mfa_last_step', { mode: 'number' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One-time recovery codes for a lost authenticator, stored as keyed hashes; used once. */
export const mfaRecoveryCodes = pgTable(
  'mfa_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('mfa_recovery_codes_user_idx').on(t.userId)],
);

/** Sessions live in PostgreSQL so a Redis outage never logs the floor out. Token stored hashed. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    /** Names the session in lists and revocation without revealing its token. */
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** Idle timeout (SESSION_IDLE_MINUTES) counts from here. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** ok; mfa_pending (password right, TOTP code still due); mfa_enrol (must enrol before anything else). */
    mfaState: text('mfa_state').$type<'ok' | 'mfa_pending' | 'mfa_enrol'>().notNull().default('ok'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), uniqueIndex('sessions_id_uq').on(t.id)],
);

/** SMS verification codes (短信验证码) for the citizen portal; code stored hashed. */
export const smsCodes = pgTable(
  'sms_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    phoneHash: text('phone_hash').notNull(),
    purpose: text('purpose').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sms_codes_phone_idx').on(t.phoneHash, t.purpose, t.createdAt)],
);

/**
 * Two citizen records that one appeal's contact points tied together (say a phone known as
 * citizen A and a WeChat openid known as citizen B). They may be one person: an agent confirms
 * the merge; nothing is merged silently.
 */
export const citizenMergeCandidates = pgTable(
  'citizen_merge_candidates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    citizenId: uuid('citizen_id')
      .notNull()
      .references(() => citizens.id),
    otherCitizenId: uuid('other_citizen_id')
      .notNull()
      .references(() => citizens.id),
    reason: text('reason').notNull(),
    status: text('status').$type<'open' | 'merged' | 'rejected'>().notNull().default('open'),
    decidedBy: uuid('decided_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('citizen_merge_pair_uq').on(t.citizenId, t.otherCitizenId)],
);
