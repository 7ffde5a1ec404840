import { randomBytes } from 'node:crypto';
import type { Role } from '../contracts/identity.js';
import type { IdentityService } from '../identity/identity-service.js';
import type { UserPrincipal } from '../identity/permissions.js';
import type { Store } from '../store/store.js';
import { DEMO_ESTATE } from './estate-model.js';

/** A console account of the demo, with the password it was given (shown once by `bulwark demo`). */
export interface DemoAccount {
  email: string;
  role: Role;
  password: string;
  /** Application names a workload owner owns. */
  owns: string[];
}

const ACCOUNTS: readonly { email: string; role: Role; name: string; owns?: string[] }[] = [
  { email: 'admin@northwind.example', role: 'admin', name: 'Avery Admin' },
  { email: 'practitioner@northwind.example', role: 'security-practitioner', name: 'Priya Practitioner' },
  { email: 'analyst@northwind.example', role: 'soc-analyst', name: 'Sam Analyst' },
  { email: 'payments-owner@northwind.example', role: 'workload-owner', name: 'Omar Owner', owns: ['payments'] },
  { email: 'auditor@northwind.example', role: 'auditor', name: 'Ada Auditor' },
];

const randomPassword = () => randomBytes(15).toString('base64url');

/**
 * The demo's applications (one per Northwind application, matched by host) and one console account
 * per role. Idempotent: on a store that has them already, the accounts get fresh passwords (the old
 * ones were shown once and are not kept), through the same audited reset path an admin would use.
 * `passwordFor` lets tests pick the passwords.
 */
export async function seedDemoIdentity(
  deps: { store: Store; identity: IdentityService },
  opts: { passwordFor?: (email: string) => string; clientAddress?: string } = {},
): Promise<DemoAccount[]> {
  const { store, identity } = deps;
  const passwordFor = opts.passwordFor ?? randomPassword;
  const clientAddress = opts.clientAddress ?? null;
  const adminDef = ACCOUNTS[0]!;
  const adminPassword = passwordFor(adminDef.email);
  let admin = await store.findUserByEmail(adminDef.email);
  const adminIsNew = !admin;
  if (!admin) {
    const created = await identity.bootstrapAdmin({ email: adminDef.email, password: adminPassword, displayName: adminDef.name }, clientAddress).catch(() => null);
    if (!created) throw new Error('the store already has console users: the demo accounts are only created in a fresh data directory');
    admin = await store.findUserByEmail(adminDef.email);
  }
  const principal: UserPrincipal = { kind: 'user', id: admin!.id, name: adminDef.email, role: 'admin', applications: 'all' };
  const caller = { principal, clientAddress };

  // Applications first: owners are granted them by id.
  const appIds = new Map<string, string>();
  const existing = await store.listApplications({ limit: 500 });
  for (const app of DEMO_ESTATE.applications) {
    const found = existing.items.find((a) => a.name === app.name);
    const created = found ?? (await identity.createApplication(caller, { name: app.name, owners: [], matchers: [{ host: app.host }] }));
    appIds.set(app.id, created.id);
  }

  const out: DemoAccount[] = [];
  for (const def of ACCOUNTS) {
    const password = def === adminDef ? adminPassword : passwordFor(def.email);
    const applications = (def.owns ?? []).map((id) => appIds.get(id)!).filter(Boolean);
    const user = await store.findUserByEmail(def.email);
    if (def === adminDef) {
      if (!adminIsNew && user) {
        const { token } = await identity.resetPassword(caller, user.id);
        await identity.completePasswordReset(token, password, clientAddress);
      }
    } else if (!user || user.status === 'invited') {
      const { invitation } = await identity.inviteUser(caller, { email: def.email, role: def.role, displayName: def.name, applications });
      await identity.acceptInvitation(invitation.token, password, { clientAddress });
    } else {
      const { token } = await identity.resetPassword(caller, user.id);
      await identity.completePasswordReset(token, password, clientAddress);
    }
    out.push({ email: def.email, role: def.role, password, owns: (def.owns ?? []).map((id) => DEMO_ESTATE.applications.find((a) => a.id === id)!.name) });
  }
  return out;
}
