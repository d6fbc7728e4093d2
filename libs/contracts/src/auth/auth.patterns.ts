export const AUTH_PATTERNS = {
  login: 'auth.login',
  refresh: 'auth.refresh',
  logout: 'auth.logout',
} as const;
