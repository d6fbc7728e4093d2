import { describeError, type Role } from '../api.js';
import { field, h, notice, onEvent, pagerControls, replace } from '../dom.js';
import { formatDate } from '../format.js';
import { Context, View } from '../view.js';

interface User {
  id: string;
  username: string;
  role: string;
  createdAt?: string;
  updatedAt?: string;
}

const ROLES = ['user', 'admin'];
const LIMIT = 20;

const roleSelect = (value: string, attrs: Record<string, string> = {}) =>
  h(
    'select',
    attrs,
    ROLES.map((r) => h('option', { value: r, selected: r === value }, r)),
  );

/** Admin page: list and search users, create one, change a role, delete. */
export function usersView(ctx: Context): View {
  let disposed = false;
  let page = 1;
  const username = h('input', {
    name: 'username',
    required: true,
    autocomplete: 'off',
    minlength: 1,
    maxlength: 64,
    'data-testid': 'user-new-username',
  });
  const password = h('input', {
    name: 'password',
    type: 'password',
    required: true,
    autocomplete: 'new-password',
    'data-testid': 'user-new-password',
  });
  const role = roleSelect('user', { name: 'role', 'data-testid': 'user-new-role' });
  const createResult = h('div', { 'aria-live': 'polite' });
  const create = h(
    'form',
    { class: 'filters', 'aria-label': 'Create a user' },
    field('Username', username),
    field('Password', password),
    field('Role', role),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'user-create' }, 'Create user'),
  );
  const q = h('input', { type: 'search', name: 'q', autocomplete: 'off', placeholder: 'Name starts with' });
  const search = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Find users' },
    field('Search users', q),
    h('button', { type: 'submit' }, 'Search'),
  );
  const message = h('div', { 'aria-live': 'polite' });
  const list = h('ul', { class: 'user-list', 'aria-label': 'Users' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'User pages' });
  const el = h(
    'section',
    { class: 'page', 'aria-labelledby': 'users-title' },
    h('h2', { id: 'users-title' }, 'Users'),
    h('section', { class: 'panel', 'aria-labelledby': 'create-title' }, h('h3', { id: 'create-title' }, 'New user'), create, createResult),
    search,
    message,
    list,
    pager,
  );

  onEvent(create, 'submit', async (e) => {
    e.preventDefault();
    const name = username.value.trim();
    try {
      await ctx.session.call('post', '/api/v2/users', { body: { username: name, password: password.value, role: role.value as Role } });
      if (disposed) return;
      replace(createResult, notice('success', `Created ${name}.`));
      create.reset();
      void load();
    } catch (err) {
      if (!disposed) replace(createResult, notice('error', `Could not create ${name || 'the user'}: ${describeError(err)}`));
    }
  });
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    page = 1;
    void load();
  });

  async function load(): Promise<void> {
    try {
      const result = await ctx.session.call('get', '/api/v2/users', { query: { page, limit: LIMIT, q: q.value.trim() || undefined } });
      if (disposed) return;
      if (!result.items.length) replace(list, h('li', { class: 'muted' }, 'No users match.'));
      else replace(list, ...result.items.map(row));
      const go = (to: number) => {
        page = to;
        void load();
      };
      replace(pager, ...pagerControls(result, LIMIT, 'user', go));
    } catch (err) {
      if (!disposed) replace(message, notice('error', `Could not load the users: ${describeError(err)}`));
    }
  }

  function row(user: User): HTMLElement {
    const self = user.id === ctx.session.me?.id;
    const select = roleSelect(user.role, { 'aria-label': `Role of ${user.username}`, 'data-testid': 'user-role' });
    if (self) select.disabled = true;
    const status = h('span', { class: 'row-status', 'aria-live': 'polite' });
    onEvent(select, 'change', async () => {
      const to = select.value;
      try {
        await ctx.session.call('patch', '/api/v2/users/{id}', { path: { id: user.id }, body: { role: to as Role } });
        if (disposed) return;
        user.role = to;
        replace(status, notice('success', `${user.username} is now ${to}.`));
      } catch (err) {
        select.value = user.role;
        if (!disposed) replace(status, notice('error', `Could not change the role: ${describeError(err)}`));
      }
    });
    const del = h(
      'button',
      { type: 'button', class: 'danger', 'aria-label': `Delete ${user.username}`, 'data-testid': 'user-delete', disabled: self },
      'Delete',
    );
    let armed = false;
    onEvent(del, 'click', async () => {
      // A second click confirms, so a stray click never deletes anyone.
      if (!armed) {
        armed = true;
        del.textContent = 'Confirm delete';
        del.setAttribute('aria-label', `Confirm deleting ${user.username}`);
        return;
      }
      try {
        await ctx.session.call('delete', '/api/v2/users/{id}', { path: { id: user.id } });
        if (disposed) return;
        replace(message, notice('success', `Deleted ${user.username}.`));
        void load();
      } catch (err) {
        if (!disposed) replace(status, notice('error', `Could not delete: ${describeError(err)}`));
      }
    });
    return h(
      'li',
      { class: 'user-row card', 'data-testid': 'user-row', 'data-username': user.username },
      h('div', { class: 'user-name' }, h('strong', {}, user.username), self ? h('span', { class: 'muted' }, ' (you)') : null),
      h('div', { class: 'muted' }, `Created ${formatDate(user.createdAt)}`),
      h('div', { class: 'user-actions' }, select, del),
      status,
    );
  }

  void load();
  return { el, dispose: () => (disposed = true) };
}
