export const USER_PATTERNS = {
  create: 'user.create',
  register: 'user.register',
  findById: 'user.findById',
  list: 'user.list',
  update: 'user.update',
  delete: 'user.delete',
  verifyCredentials: 'user.verifyCredentials',
} as const;
