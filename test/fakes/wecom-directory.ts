/** The fake WeCom address book (wecom.md §13): departments and members in a fixture organisation. */
export interface FakeDepartment { id: number; name: string; parentid: number; order?: number }
export interface FakeUser { userid: string; name: string; department: number[]; status?: number }

export interface FakeDirectory {
  departments: FakeDepartment[];
  users: FakeUser[];
  /** Department ids in the app's visible range (§13); undefined = everything. */
  visible: Set<number> | undefined;
}

/** Answers an address-book call, or undefined when `path` is not one. */
export function directoryRoutes(d: FakeDirectory, path: string, url: URL, body: Record<string, unknown>): Record<string, unknown> | undefined {
  const inRange = (id: number) => d.visible === undefined || d.visible.has(id);
  const subtree = (root: number): FakeDepartment[] => {
    const out: FakeDepartment[] = [];
    const walk = (id: number) => {
      for (const dep of d.departments.filter((x) => x.parentid === id && x.id !== id)) {
        out.push(dep);
        walk(dep.id);
      }
    };
    const self = d.departments.find((x) => x.id === root);
    if (self) out.push(self);
    walk(root);
    return out;
  };
  if (path === '/cgi-bin/department/simplelist') {
    const id = url.searchParams.get('id');
    const list = id ? subtree(Number(id)) : d.departments;
    if (id && !inRange(Number(id))) return { errcode: 60011, errmsg: 'no privilege to access/modify contact/party/agent' };
    return { errcode: 0, errmsg: 'ok', department_id: list.filter((x) => inRange(x.id)).map((x) => ({ id: x.id, parentid: x.parentid, order: x.order ?? 0 })) };
  }
  if (path === '/cgi-bin/department/get') {
    const dep = d.departments.find((x) => x.id === Number(url.searchParams.get('id')));
    if (!dep) return { errcode: 60123, errmsg: 'invalid party id' };
    if (!inRange(dep.id)) return { errcode: 60011, errmsg: 'no privilege to access/modify contact/party/agent' };
    return { errcode: 0, errmsg: 'ok', department: { id: dep.id, name: dep.name, parentid: dep.parentid, order: dep.order ?? 0 } };
  }
  if (path === '/cgi-bin/user/simplelist') {
    const dep = Number(url.searchParams.get('department_id'));
    if (!d.departments.some((x) => x.id === dep)) return { errcode: 60123, errmsg: 'invalid party id' };
    if (!inRange(dep)) return { errcode: 60011, errmsg: 'no privilege to access/modify contact/party/agent' };
    // §13: fetch_child is gone — only the department's own members.
    const users = d.users.filter((u) => u.department.includes(dep));
    return { errcode: 0, errmsg: 'ok', userlist: users.map((u) => ({ userid: u.userid, name: u.name, department: u.department })) };
  }
  if (path === '/cgi-bin/user/list_id') {
    const limit = Math.min(10000, Math.max(1, Number(body.limit ?? 10000)));
    const start = Number(body.cursor || 0);
    const rows = d.users.flatMap((u) => u.department.filter(inRange).map((dep) => ({ userid: u.userid, department: dep })));
    const page = rows.slice(start, start + limit);
    return { errcode: 0, errmsg: 'ok', next_cursor: start + limit < rows.length ? String(start + limit) : '', dept_user: page };
  }
  return undefined;
}
