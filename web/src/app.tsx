import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SessionView } from '../../src/contracts/api.js';
import type { Role } from '../../src/contracts/identity.js';
import { ApiError, createApiClient } from './api.js';
import { AppContext, useApp, type AppContextValue } from './app-context.js';
import { ErrorBanner, Loading } from './components/feedback.js';
import { ROLE_LABELS } from './labels.js';
import { AcceptInvitationPage, AuthFrame, LoginPage, ResetPasswordPage } from './pages/auth-pages.js';
import { CasePage } from './pages/case-page.js';
import { CasesPage } from './pages/cases-page.js';
import { DashboardPage } from './pages/dashboard-page.js';
import { EndpointPage } from './pages/endpoint-page.js';
import { FindingPage } from './pages/finding-page.js';
import { FindingsPage } from './pages/findings-page.js';
import { InventoryPage } from './pages/inventory-page.js';
import { MyTasksPage, RemediationPage } from './pages/remediation-page.js';
import { SpecPage } from './pages/spec-page.js';
import { SpecsPage } from './pages/specs-page.js';
import { SpecGeneratePage } from './pages/spec-generate-page.js';
import { TaskPage, taskListOf } from './pages/task-page.js';
import { ApplicationsPage } from './pages/settings/applications-page.js';
import { OwnershipPage } from './pages/settings/ownership-page.js';
import { AuditPage } from './pages/settings/audit-page.js';
import { TokensPage } from './pages/settings/tokens-page.js';
import { UsersPage } from './pages/settings/users-page.js';
import { navigate, useRoute, type Route } from './router.js';

/** The side navigation's groups, in order. */
const NAV_GROUPS = ['Posture', 'Remediation', 'Threats', 'Settings'] as const;
type NavGroup = (typeof NAV_GROUPS)[number];

interface NavItem {
  path: string;
  label: string;
  action: string;
  group: NavGroup;
  /** Roles that land here after signing in (else the first item the role may open). */
  homeOf?: readonly Role[];
}

/** Navigation, in order; an item shows only when the session lists its action. */
const NAV: NavItem[] = [
  { path: 'dashboard', label: 'Dashboard', action: 'inventory:read', group: 'Posture' },
  { path: 'inventory', label: 'API inventory', action: 'inventory:read', group: 'Posture' },
  { path: 'findings', label: 'Findings', action: 'findings:read', group: 'Posture' },
  { path: 'specs', label: 'API specifications', action: 'specs:read', group: 'Posture' },
  { path: 'specs/generate', label: 'Generate spec', action: 'specs:write', group: 'Posture' },
  // Workload owners come to fix things: their tasks are their start page.
  { path: 'tasks', label: 'My tasks', action: 'tasks:write', group: 'Remediation', homeOf: ['workload-owner'] },
  { path: 'remediation', label: 'Remediation board', action: 'tasks:read', group: 'Remediation' },
  { path: 'cases', label: 'Cases', action: 'cases:read', group: 'Threats' },
  { path: 'settings/users', label: 'Users', action: 'users:read', group: 'Settings' },
  { path: 'settings/tokens', label: 'API tokens', action: 'tokens:read', group: 'Settings' },
  { path: 'settings/applications', label: 'Applications', action: 'applications:read', group: 'Settings' },
  { path: 'settings/ownership', label: 'Ownership rules', action: 'applications:read', group: 'Settings' },
  { path: 'settings/audit', label: 'Audit log', action: 'audit:read', group: 'Settings' },
];

const PUBLIC_ROUTES = new Set(['login', 'accept', 'reset-password']);

function homeFor(role: Role, can: (a: string) => boolean): string {
  const allowed = NAV.filter((n) => can(n.action));
  return (allowed.find((n) => n.homeOf?.includes(role)) ?? allowed[0])?.path ?? 'profile';
}

export function App() {
  const route = useRoute();
  const [session, setSession] = useState<SessionView | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const [bootError, setBootError] = useState<unknown>();
  const hadSession = useRef(false);

  const api = useMemo(
    () =>
      createApiClient({
        onUnauthorized: () => {
          setExpired(hadSession.current);
          setSession(null);
        },
      }),
    [],
  );

  const loadSession = useCallback(() => {
    setBootError(undefined);
    api.session().then(
      (s) => setSession(s),
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) setSession(null);
        else setBootError(err);
      },
    );
  }, [api]);

  useEffect(loadSession, [loadSession]);
  const onSessionChange = useCallback((s: SessionView | null) => {
    if (s === null) hadSession.current = false;
    setExpired(false);
    setSession(s);
  }, []);
  useEffect(() => {
    if (session) hadSession.current = true;
  }, [session]);

  const first = route.segments[0] ?? '';
  const signedIn = (s: SessionView, goHome: boolean) => {
    setExpired(false);
    setSession(s);
    const can = (a: string) => s.actions.includes(a);
    if (goHome) navigate(`#/${homeFor(s.user.role, can)}`, { replace: true });
  };

  if (first === 'accept') {
    return <AcceptInvitationPage api={api} token={route.query.get('token') ?? ''} onSession={(s) => signedIn(s, true)} />;
  }
  if (first === 'reset-password') {
    return <ResetPasswordPage api={api} token={route.query.get('token') ?? ''} />;
  }
  if (bootError) {
    return (
      <AuthFrame title="Bulwark is unavailable">
        <ErrorBanner error={bootError} onRetry={loadSession} />
      </AuthFrame>
    );
  }
  if (session === undefined) {
    return (
      <main className="auth-frame" id="main">
        <Loading label="Loading Bulwark…" />
      </main>
    );
  }
  if (session === null) {
    return <LoginPage api={api} expired={expired} onSession={(s) => signedIn(s, first === '' || PUBLIC_ROUTES.has(first))} />;
  }
  return (
    <SignedIn
      session={session}
      api={api}
      route={route}
      onSessionChange={onSessionChange}
    />
  );
}

function SignedIn({
  session,
  api,
  route,
  onSessionChange,
}: {
  session: SessionView;
  api: AppContextValue['api'];
  route: Route;
  onSessionChange: (s: SessionView | null) => void;
}) {
  const context = useMemo<AppContextValue>(() => {
    const actions = new Set(session.actions);
    return { api, session, can: (a) => actions.has(a), onSessionChange };
  }, [api, session, onSessionChange]);
  const first = route.segments[0] ?? '';

  useEffect(() => {
    if (first === '' || PUBLIC_ROUTES.has(first)) navigate(`#/${homeFor(session.user.role, context.can)}`, { replace: true });
  }, [first, context, session.user.role]);

  return (
    <AppContext.Provider value={context}>
      <Shell route={route}>
        <RouteView route={route} />
      </Shell>
    </AppContext.Provider>
  );
}

function Shell({ route, children }: { route: Route; children: ReactNode }) {
  const { session, can, api, onSessionChange } = useApp();
  const [menuOpen, setMenuOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const path = route.segments.join('/');

  useEffect(() => setMenuOpen(false), [route.hash]);

  // After a navigation to another page (not a filter change, not the first load, where the skip link
  // should come first), move focus to the new page's heading, or to <main> while it loads.
  const firstPath = useRef(path);
  useEffect(() => {
    if (path === firstPath.current) return;
    firstPath.current = '\0';
    const heading = mainRef.current?.querySelector<HTMLElement>('h1');
    (heading ?? mainRef.current)?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [path]);

  const items = NAV.filter((n) => can(n.action));
  const groups = NAV_GROUPS.map((g) => ({ group: g, items: items.filter((i) => i.group === g) }));
  const isCurrent = (item: NavItem) =>
    path === item.path || (item.path === 'inventory' && route.segments[0] === 'endpoints') || (item.path === 'findings' && route.segments[0] === 'findings') ||
    (item.path === 'cases' && route.segments[0] === 'cases') ||
    // A task page belongs to the list its breadcrumb names (see `TaskPage`).
    (route.segments[0] === 'tasks' && route.segments[1] !== undefined && item.path === taskListOf(can)) ||
    (item.path === 'specs' && route.segments[0] === 'specs' && route.segments[1] !== 'generate');

  async function signOut() {
    try {
      await api.logout();
    } finally {
      onSessionChange(null);
      navigate('#/login', { replace: true });
    }
  }

  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          // A real `#main` would be read as a route; move focus instead.
          e.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="btn btn-ghost menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          <span aria-hidden="true">☰</span> Menu
        </button>
        <a className="brand" href={`#/${homeFor(session.user.role, can)}`}>
          <span className="brand-mark" aria-hidden="true">
            B
          </span>
          Bulwark
        </a>
        <div className="topbar-user">
          <span className="user-name" title={session.user.email}>
            {session.user.displayName || session.user.email}
          </span>
          <span className="role-pill">{ROLE_LABELS[session.user.role]}</span>
          <button type="button" className="btn btn-ghost btn-small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="main-nav" className="sidenav" aria-label="Main">
        {groups.map(
          (g) =>
            g.items.length > 0 && (
              <div key={g.group} className="nav-group">
                <h2 className="nav-group-title">{g.group}</h2>
                <ul>
                  {g.items.map((item) => (
                    <li key={item.path}>
                      <a href={`#/${item.path}`} aria-current={isCurrent(item) ? 'page' : undefined}>
                        {item.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </div>
            ),
        )}
      </nav>
      <main id="main" className="main" tabIndex={-1} ref={mainRef}>
        {children}
      </main>
    </div>
  );
}

function RouteView({ route }: { route: Route }) {
  const { can, session } = useApp();
  const [first = '', second, third] = route.segments;
  const key = route.segments.join('/');

  useEffect(() => {
    const nav = NAV.find((n) => n.path === key || n.path === first);
    document.title = nav ? `${nav.label} · Bulwark` : 'Bulwark';
  }, [key, first]);

  const guard = (action: string, page: ReactNode) => (can(action) ? page : <Forbidden action={action} />);

  if (third === undefined) {
    switch (first) {
      case 'dashboard':
        if (second === undefined) return guard('inventory:read', <DashboardPage />);
        break;
      case 'inventory':
        if (second === undefined) return guard('inventory:read', <InventoryPage />);
        break;
      case 'endpoints':
        if (second !== undefined) return guard('inventory:read', <EndpointPage key={second} id={second} />);
        break;
      case 'findings':
        if (second === undefined) return guard('findings:read', <FindingsPage />);
        return guard('findings:read', <FindingPage key={second} id={second} />);
      case 'remediation':
        if (second === undefined) return guard('tasks:read', <RemediationPage />);
        break;
      case 'tasks':
        if (second === undefined) return guard('tasks:write', <MyTasksPage />);
        return guard('tasks:read', <TaskPage key={second} id={second} />);
      case 'cases':
        if (second === undefined) return guard('cases:read', <CasesPage />);
        return guard('cases:read', <CasePage key={second} id={second} />);
      case 'specs':
        if (second === undefined) return guard('specs:read', <SpecsPage />);
        if (second === 'generate') return guard('specs:write', <SpecGeneratePage />);
        return guard('specs:read', <SpecPage key={second} id={second} />);
      case 'settings': {
        if (second === undefined) {
          const firstSetting = NAV.find((n) => n.group === 'Settings' && can(n.action));
          return firstSetting ? <Redirect to={`#/${firstSetting.path}`} /> : <Forbidden action="settings" />;
        }
        if (second === 'users') return guard('users:read', <UsersPage />);
        if (second === 'tokens') return guard('tokens:read', <TokensPage />);
        if (second === 'applications') return guard('applications:read', <ApplicationsPage />);
        if (second === 'ownership') return guard('applications:read', <OwnershipPage />);
        if (second === 'audit') return guard('audit:read', <AuditPage />);
        break;
      }
      case 'profile':
        return <Profile email={session.user.email} />;
      case '':
      case 'login':
      case 'accept':
      case 'reset-password':
        return <Loading />;
    }
  }
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>#/{key}</code>. <a href="#/">Go to the start page</a>.
      </p>
    </div>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Forbidden({ action }: { action: string }) {
  return (
    <div className="page">
      <h1>Not available for your role</h1>
      <p>
        Your role does not include <code>{action}</code>. Ask an administrator if you need it.
      </p>
    </div>
  );
}

function Profile({ email }: { email: string }) {
  return (
    <div className="page">
      <h1>Signed in</h1>
      <p>
        You are signed in as <strong>{email}</strong>, but your role gives access to no console page yet.
      </p>
    </div>
  );
}
