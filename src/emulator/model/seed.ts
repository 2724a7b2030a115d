/**
 * The emulator's seeded "Vercel" world: teams, people, installations of the integration, the
 * users of each installation (with their per-installation `user_id` and role) and the things a
 * dashboard deep link can point at (resources, projects + checks, invoices, experimentation
 * items).
 *
 * Rules reproduced from VERCEL-SSO.md §2:
 * - installations are team-scoped (`icfg_…`), one per team here;
 * - `user_id` is **per installation**: Alice is a member of both teams and has a different
 *   `user_id` in each;
 * - `user_role` is `ADMIN` or `USER` (read-only);
 * - `sub` is `account:<accountHex>:user:<userHex>`; account and user ids are 64 hex digits, as in a
 *   real Marketplace id_token (VERCEL-SSO.md §5).
 *
 * One person ("Mallory") deliberately has HTML/JS metacharacters in her display name so that
 * both the emulator's dashboard and the backend under test prove they escape `user_name`.
 *
 * @module
 */

/** A Vercel role as carried by the `user_role` claim (VERCEL-SSO.md §2). `USER` is read-only. */
export type UserRole = 'ADMIN' | 'USER';

/** A Vercel team (account). `accountId` is the hex used in `account_id` and in `sub`. */
export interface SeedTeam {
  /** Hex account id, e.g. `ac3e00000000000000000000000000000000000000000000000000000000a001`; the `account_id` claim. */
  accountId: string;
  /** Team slug as in `vercel.com/<slug>`. */
  slug: string;
  /** Display name. */
  name: string;
}

/**
 * A human being who can sign in to the emulated Vercel dashboard. The `emu_user` cookie holds
 * `SeedPerson.id`. A person has one {@link SeedMember} entry (and one `user_id`) per installation.
 */
export interface SeedPerson {
  /** Stable person id, e.g. `person_alice` (emulator-only; never appears in a token). */
  id: string;
  /** `user_name` claim. */
  name: string;
  /** `user_email` claim. */
  email: string;
}

/** A person's membership in one installation: the `user_id` and `user_role` claims. */
export interface SeedMember {
  /** Hex user id, unique per installation; the `user_id` claim and the user part of `sub`. */
  userId: string;
  /** {@link SeedPerson.id} of the human behind this membership. */
  personId: string;
  /** `user_role` claim. */
  role: UserRole;
}

/** A provisioned Marketplace resource (e.g. a database store), for `resource_id` deep links. */
export interface SeedResource {
  /** Resource id, e.g. `store_…`; sent as `resource_id`. */
  id: string;
  /** Display name. */
  name: string;
  /** Marketplace product id, e.g. `iap_…`; sent as `product_id`. */
  productId: string;
}

/** A deployment check (`chk_…`), for `check_id` deep links (sent together with `project_id`). */
export interface SeedCheck {
  /** Check id, e.g. `chk_…`. */
  id: string;
  /** Display name. */
  name: string;
}

/** A Vercel project (`prj_…`) connected to the installation. */
export interface SeedProject {
  /** Project id, e.g. `prj_…`; sent as `project_id`. */
  id: string;
  /** Display name. */
  name: string;
  /** The project's checks. */
  checks: SeedCheck[];
}

/** A Marketplace invoice (`inv_…`), for `invoice_id` deep links. */
export interface SeedInvoice {
  /** Invoice id, e.g. `inv_…`. */
  id: string;
  /** Human-readable description. */
  description: string;
}

/** An experimentation item (feature flag) that the provider created; `experimentation_item_id`. */
export interface SeedExperimentationItem {
  /** Item id, e.g. `exp_…`. */
  id: string;
  /** Display name. */
  name: string;
}

/** One installation (`icfg_…`) of the integration, scoped to one team (VERCEL-SSO.md §2). */
export interface SeedInstallation {
  /** Installation id, e.g. `icfg_…`; the `installation_id` claim. */
  id: string;
  /** {@link SeedTeam.accountId} of the owning team. */
  accountId: string;
  /** Users of this installation, with their per-installation ids and roles. */
  members: SeedMember[];
  /** Provisioned resources; the first is used for the dashboard's resource-scoped links. */
  resources: SeedResource[];
  /** Connected projects; the first (and its first check) is used for the dashboard links. */
  projects: SeedProject[];
  /** Invoices; the first is used for the dashboard's invoice link. */
  invoices: SeedInvoice[];
  /** Experimentation items; the first is used for the dashboard's experimentation link. */
  experimentationItems: SeedExperimentationItem[];
}

/** Everything seeded into one emulator instance. Each {@link createSeed} call returns a fresh copy. */
export interface EmulatorSeed {
  teams: SeedTeam[];
  people: SeedPerson[];
  installations: SeedInstallation[];
}

/**
 * Build the seeded world. Pure and deterministic: the same ids every time, a fresh object graph
 * every call (so a test that mutates its emulator's seed cannot affect another emulator).
 *
 * Ids:
 * - `icfg_acme0000000000000001` (team `acme-labs`, account `ac3e00000000000000000000000000000000000000000000000000000000a001`):
 *   Alice `a11ce000000000000000000000000000000000000000000000000000000000a1` ADMIN, Bob `b0b00000000000000000000000000000000000000000000000000000000000a2` USER;
 * - `icfg_globex00000000000001` (team `globex`, account `610be00000000000000000000000000000000000000000000000000000000b02`):
 *   Carol `ca4010000000000000000000000000000000000000000000000000000000b001` ADMIN, Alice `a11ce000000000000000000000000000000000000000000000000000000000b2` USER,
 *   Mallory `3a11030000000000000000000000000000000000000000000000000000000b03` USER.
 */
export function createSeed(): EmulatorSeed {
  return {
    teams: [
      {
        accountId: 'ac3e00000000000000000000000000000000000000000000000000000000a001',
        slug: 'acme-labs',
        name: 'Acme Labs',
      },
      {
        accountId: '610be00000000000000000000000000000000000000000000000000000000b02',
        slug: 'globex',
        name: 'Globex Corporation',
      },
    ],
    people: [
      { id: 'person_alice', name: 'Alice Anders', email: 'alice@example.com' },
      { id: 'person_bob', name: 'Bob Brown', email: 'bob@example.com' },
      { id: 'person_carol', name: 'Carol Chen', email: 'carol@example.org' },
      {
        id: 'person_mallory',
        name: `Mallory "<script>alert('x')</script>" & Co`,
        email: 'mallory@example.net',
      },
    ],
    installations: [
      {
        id: 'icfg_acme0000000000000001',
        accountId: 'ac3e00000000000000000000000000000000000000000000000000000000a001',
        members: [
          {
            userId: 'a11ce000000000000000000000000000000000000000000000000000000000a1',
            personId: 'person_alice',
            role: 'ADMIN',
          },
          {
            userId: 'b0b00000000000000000000000000000000000000000000000000000000000a2',
            personId: 'person_bob',
            role: 'USER',
          },
        ],
        resources: [
          { id: 'store_acmePostgres0001', name: 'acme-db', productId: 'iap_postgres' },
          { id: 'store_acmeRedis000001', name: 'acme-cache', productId: 'iap_redis' },
        ],
        projects: [
          {
            id: 'prj_acmeWeb000000000001',
            name: 'acme-web',
            checks: [{ id: 'chk_acmeWebPerf000001', name: 'Performance budget' }],
          },
        ],
        invoices: [{ id: 'inv_acme2026010000001', description: 'January 2026' }],
        experimentationItems: [{ id: 'exp_acmeNewCheckout01', name: 'new-checkout' }],
      },
      {
        id: 'icfg_globex00000000000001',
        accountId: '610be00000000000000000000000000000000000000000000000000000000b02',
        members: [
          {
            userId: 'ca4010000000000000000000000000000000000000000000000000000000b001',
            personId: 'person_carol',
            role: 'ADMIN',
          },
          {
            userId: 'a11ce000000000000000000000000000000000000000000000000000000000b2',
            personId: 'person_alice',
            role: 'USER',
          },
          {
            userId: '3a11030000000000000000000000000000000000000000000000000000000b03',
            personId: 'person_mallory',
            role: 'USER',
          },
        ],
        resources: [{ id: 'store_globexPg00000001', name: 'globex-db', productId: 'iap_postgres' }],
        projects: [
          {
            id: 'prj_globexApi000000001',
            name: 'globex-api',
            checks: [{ id: 'chk_globexApiSmoke001', name: 'Smoke tests' }],
          },
        ],
        invoices: [{ id: 'inv_globex202601000001', description: 'January 2026' }],
        experimentationItems: [{ id: 'exp_globexSearchV2001', name: 'search-v2' }],
      },
    ],
  };
}

/** Find an installation by `icfg_…` id; `undefined` when unknown. */
export function findInstallation(
  seed: EmulatorSeed,
  installationId: string,
): SeedInstallation | undefined {
  return seed.installations.find((i) => i.id === installationId);
}

/** Find a member of an installation by its per-installation `user_id`; `undefined` when not a member. */
export function findMember(installation: SeedInstallation, userId: string): SeedMember | undefined {
  return installation.members.find((m) => m.userId === userId);
}

/** Find a person's membership in an installation; `undefined` when the person is not a member. */
export function findMemberByPerson(
  installation: SeedInstallation,
  personId: string,
): SeedMember | undefined {
  return installation.members.find((m) => m.personId === personId);
}

/** Find a person by id; `undefined` when unknown. */
export function findPerson(seed: EmulatorSeed, personId: string): SeedPerson | undefined {
  return seed.people.find((p) => p.id === personId);
}

/** Find a team by hex account id; `undefined` when unknown. */
export function findTeam(seed: EmulatorSeed, accountId: string): SeedTeam | undefined {
  return seed.teams.find((t) => t.accountId === accountId);
}
