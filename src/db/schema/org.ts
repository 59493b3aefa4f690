import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** 机关党委 → 党支部 → 党小组. */
export const unitKind = pgEnum('unit_kind', ['committee', 'branch', 'group']);
export const roleName = pgEnum('role_name', ['member', 'secretary', 'committee_member', 'admin', 'leader']);
export const platformName = pgEnum('platform_name', ['wecom', 'dingtalk', 'sandbox']);

export const orgUnits = pgTable(
  'org_units',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    parentId: integer('parent_id').references((): AnyPgColumn => orgUnits.id),
    kind: unitKind('kind').notNull(),
    name: text('name').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Sibling names are unique; the root (no parent) is unique by the partial index below.
    unique('org_units_parent_name_key').on(t.parentId, t.name),
    uniqueIndex('org_units_single_root').on(t.kind).where(sql`${t.parentId} is null`),
    check('org_units_root_is_committee', sql`(${t.parentId} is null) = (${t.kind} = 'committee')`),
    check('org_units_name_not_blank', sql`length(btrim(${t.name})) > 0`),
  ],
);

export const people = pgTable(
  'people',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    /** The unit the person belongs to: a branch, a party group inside it, or the committee itself. */
    unitId: integer('unit_id').notNull().references(() => orgUnits.id),
    mobile: text('mobile'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('people_unit_idx').on(t.unitId), check('people_name_not_blank', sql`length(btrim(${t.name})) > 0`)],
);

/**
 * Roles; `scopeUnitId` says where the role applies: a secretary's branch, a leader's units (one row per
 * unit in scope), nothing for roles that apply where the person is.
 */
export const personRoles = pgTable(
  'person_roles',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id').notNull().references(() => people.id),
    role: roleName('role').notNull(),
    scopeUnitId: integer('scope_unit_id').references(() => orgUnits.id),
  },
  (t) => [unique('person_roles_key').on(t.personId, t.role, t.scopeUnitId).nullsNotDistinct()],
);

/** Who a person is on each messenger. The external id is the adapter's opaque string (userid / staffId). */
export const platformIdentities = pgTable(
  'platform_identities',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    personId: integer('person_id').notNull().references(() => people.id),
    platform: platformName('platform').notNull(),
    externalId: text('external_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('platform_identities_external_key').on(t.platform, t.externalId),
    unique('platform_identities_person_key').on(t.personId, t.platform),
  ],
);

/** Group chats the bot is in, each linked to the unit whose business it carries. */
export const chats = pgTable(
  'chats',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    platform: platformName('platform').notNull(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    unitId: integer('unit_id').references(() => orgUnits.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('chats_external_key').on(t.platform, t.externalId)],
);
