import { createContext, useContext } from 'react';
import type { SessionView } from '../../src/contracts/api.js';
import type { ApiClient } from './api.js';

/** What every signed-in view needs: the client and the session (user, allowed actions). */
export interface AppContextValue {
  api: ApiClient;
  session: SessionView;
  /** Whether the signed-in user may do `action` (as listed in `SessionView.actions`). */
  can: (action: string) => boolean;
  onSessionChange: (session: SessionView | null) => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside a signed-in view');
  return value;
}
