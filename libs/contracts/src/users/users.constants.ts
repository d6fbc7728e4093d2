export type UserRole = 'admin' | 'user';
export const USER_ROLES: readonly UserRole[] = ['admin', 'user'];

/** 3–64 letters, digits, `.`, `_`, `-`; matched case-insensitively. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,64}$/;
export const USERNAME_RULE = 'username must be 3-64 letters, digits, ".", "_" or "-"';
/** The password policy, enforced by the user service whoever calls it (the v2 API states the same at the edge). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const PASSWORD_RULE = `password must be ${PASSWORD_MIN}-${PASSWORD_MAX} characters`;
