import { sql } from 'drizzle-orm';
import type { Context } from 'koa';
import { rows } from '../../db/migrate.js';
import { localDate } from '../../domain/calendar.js';
import { html } from '../../h5/html.js';
import type { AppDeps } from '../../http/deps.js';
import { consoleUser } from '../console-user.js';
import { emptyState, renderAdmin } from '../layout.js';

interface Counts {
  branches: number;
  people: number;
  plans: number;
  plan_year: number | null;
  topic: string | null;
  open_rounds: number;
}

/** 首页: where things stand and where to go next; an empty install says what to do first. */
export async function homePage(ctx: Context, deps: AppDeps): Promise<void> {
  const user = consoleUser(ctx);
  const today = localDate(deps.clock.now(), deps.config.timezone);
  const month = today.slice(0, 7);
  // A leader limited to some branches sees the counts of those branches only.
  const units = user.visible === 'all' ? sql`true` : sql`u.id = any(${`{${[...user.visible].join(',')}}`}::int[])`;
  const [c] = rows<Counts>(
    await deps.database.db.execute(sql`
      select (select count(*)::int from org_units u where u.active and u.kind = 'branch' and ${units}) as branches,
             (select count(*)::int from people p join org_units u on u.id = p.unit_id where p.active and ${units}) as people,
             (select count(*)::int from plans) as plans,
             (select max(year)::int from plans) as plan_year,
             (select title from topics where month = ${month}) as topic,
             (select count(*)::int from scoring_rounds where status = 'open') as open_rounds`),
  );
  const counts = c!;
  const cards = [
    { href: '/admin/org', label: '组织', figure: `${user.visible === 'all' ? '' : '分管 '}${counts.branches} 个党支部 · ${counts.people} 人`, hint: '单位、人员、角色、平台账号；导入与同步' },
    { href: '/admin/plans', label: '计划', figure: counts.plans ? `${counts.plans} 份（最近 ${counts.plan_year} 年）` : '尚未导入', hint: '导入工作要点，查看各支部完成情况' },
    { href: '/admin/topics', label: '每月主题', figure: counts.topic ? `本月：${counts.topic}` : '本月尚未设置', hint: '学习材料与必学内容，预览并推送' },
    { href: '/admin/reminders', label: '提醒', figure: '提醒规则与减负', hint: '提醒时间、免打扰、每周上限、发送预览' },
    { href: '/admin/scoring', label: '互观互检', figure: `${counts.open_rounds} 轮进行中`, hint: '计分方案、轮次进度、结果与导出' },
    { href: '/admin/reports', label: '报表', figure: '简报 · 查账 · 台账', hint: '今日简报、年中查账、年底交账、台账导出' },
    { href: '/admin/calendar', label: '日历', figure: '节假日与调休', hint: '工作日安排与单日调整' },
  ];
  const firstSteps = counts.people === 0
    ? emptyState('还没有导入组织架构。先导入党支部和人员，再导入年度计划。', { href: '/admin/org', label: '导入组织' })
    : counts.plans === 0
      ? emptyState('还没有导入计划，点击这里导入本年度工作要点。', { href: '/admin/plans', label: '导入计划' })
      : '';
  renderAdmin(ctx, {
    title: '首页',
    active: 'home',
    body: html`${firstSteps ? html`<div class="panel">${firstSteps}</div>` : ''}
<div class="grid">${cards.map((k) => html`<a class="panel" href="${k.href}" style="text-decoration:none;color:inherit"><h2>${k.label}</h2><p><strong>${k.figure}</strong></p><p class="muted small">${k.hint}</p></a>`)}</div>
<p class="muted small">今天是 ${today}。${user.canWrite ? '所有修改都会记入审计日志（谁、何时、改了什么）。' : '您是领导账号：只能查看分管范围内的情况，不能修改。'}</p>`,
  });
}
